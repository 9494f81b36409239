/**
 * Client event limits, checked before any handler runs (a Socket.IO socket middleware):
 * 1. per socket: `socketEvents` per window, in memory (a socket lives on one node, so its
 *    count needs no Redis and costs nothing during a Redis outage);
 * 2. per tenant: `eventsPerSecond` across the cluster (limits/limiter.ts: Redis with an
 *    in-memory insurance limiter and a timeout, blocked in memory once exceeded).
 * An event over either limit is answered `rate_limited` through its ack and not handled.
 * A socket that keeps exceeding its own limit is warned once per window it is limited in
 * (`system {type: "rate_limited"}`); in the window after the last of `warnings` warnings
 * it is sent `system {type: "disconnect", reason: "rate_limited"}` and disconnected. A
 * window without excess starts the count over.
 * Both limits come from the tenant's quota (limits/tenant-limits.ts), so they can differ
 * per tenant; limiters are made once per distinct limit and shared by the tenants that use it.
 */
import { err } from "@roomcast/protocol";
import type { Cluster, Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { createLimiter, type LimiterOptions } from "../limits/limiter";
import type { TenantLimits } from "../limits/tenant-limits";
import type { GatewaySocket } from "./socket-types";

export interface EventLimitOptions {
  limits: TenantLimits;
  windowSeconds: number;
  /** Warnings before a socket that keeps exceeding its limit is disconnected. */
  warnings: number;
  /** Where the per-tenant counters live (cluster-wide); undefined: this node's memory. */
  redis?: { client: Redis | Cluster; prefix: string } | undefined;
  now?: () => number;
}

export type LimitScope = "socket" | "tenant";

export interface RateLimitHooks {
  onLimited(socket: GatewaySocket, event: string, scope: LimitScope): void;
  onDisconnected?(socket: GatewaySocket): void;
}

export interface EventLimits {
  apply(socket: GatewaySocket, hooks: RateLimitHooks): void;
}

export function createEventLimits(options: EventLimitOptions): EventLimits {
  const now = options.now ?? Date.now;
  const perSocket = new Map<number, RateLimiterAbstract>();
  const perTenant = new Map<number, RateLimiterAbstract>();
  const socketLimiter = (points: number) => {
    let limiter = perSocket.get(points);
    if (limiter === undefined) perSocket.set(points, (limiter = new RateLimiterMemory({ points, duration: options.windowSeconds })));
    return limiter;
  };
  const tenantLimiter = (points: number) => {
    let limiter = perTenant.get(points);
    if (limiter === undefined) {
      limiter = createLimiter({ name: `tenant-events-${points}`, points, durationSeconds: 1, redis: options.redis });
      perTenant.set(points, limiter);
    }
    return limiter;
  };

  /** Sockets limited at least once: their strikes and the end (ms) of the window last limited in. */
  const struck = new WeakMap<GatewaySocket, { strikes: number; limitedUntil: number }>();

  const strike = (socket: GatewaySocket, hooks: RateLimitHooks, msBeforeNext: number): void => {
    const t = now();
    let record = struck.get(socket);
    if (record === undefined) struck.set(socket, (record = { strikes: 0, limitedUntil: 0 }));
    if (t < record.limitedUntil) return; // this window is already counted
    if (t - record.limitedUntil > options.windowSeconds * 1000) record.strikes = 0; // a clean window in between
    record.limitedUntil = t + msBeforeNext;
    record.strikes += 1;
    const ts = new Date(t).toISOString();
    if (record.strikes <= options.warnings) {
      socket.emit("system", { type: "rate_limited", message: `too many events; slow down (warning ${record.strikes} of ${options.warnings})`, ts });
      return;
    }
    socket.emit("system", { type: "disconnect", reason: "rate_limited", message: "disconnected: kept exceeding the event rate after warnings", ts });
    hooks.onDisconnected?.(socket);
    socket.disconnect(true);
  };

  const refuse = (socket: GatewaySocket, hooks: RateLimitHooks, packet: unknown[], scope: LimitScope): void => {
    hooks.onLimited(socket, String(packet[0]), scope);
    const ack = packet[packet.length - 1];
    if (typeof ack === "function") ack(err("rate_limited", scope === "socket" ? "too many events, slow down" : "your organisation sends too many events, retry shortly"));
  };

  const check = (socket: GatewaySocket, hooks: RateLimitHooks, packet: unknown[], next: (err?: Error) => void): void => {
    // Already over its limit in this window: refused at once, without counting (a flood costs little).
    if (now() < (struck.get(socket)?.limitedUntil ?? 0)) return refuse(socket, hooks, packet, "socket");
    const tenant = socket.data.principal.tenant;
    void (async () => {
      const quota = await options.limits.of(tenant);
      try {
        await socketLimiter(quota.socketEvents).consume(socket.id);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) strike(socket, hooks, rejection.msBeforeNext);
        return refuse(socket, hooks, packet, "socket");
      }
      try {
        await tenantLimiter(quota.eventsPerSecond).consume(tenant);
      } catch {
        // Over the tenant's limit, or (no insurance answer) a limiter failure: refused either way.
        return refuse(socket, hooks, packet, "tenant");
      }
      next();
    })();
  };

  return {
    // Per socket: one small middleware closure; its strikes exist only once it was limited.
    apply(socket, hooks) {
      socket.use((packet, next) => check(socket, hooks, packet, next));
    },
  };
}

/** A limiter for other counts (sign-in attempts): limits/limiter.ts, named `event` unless given. */
export function createEventLimiter(options: Omit<LimiterOptions, "name"> & { name?: string }): RateLimiterAbstract {
  return createLimiter({ ...options, name: options.name ?? "event" });
}
