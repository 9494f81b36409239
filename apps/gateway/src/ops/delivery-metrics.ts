/**
 * The gateway's hooks into the event path for metrics, each O(1) per event per node (never
 * per socket): events published per tenant (around the publish use case, so socket and
 * HTTP publishes and chat messages count alike), event packets written to this node's
 * sockets per tenant with the commit→socket latency of live events (the adapter's
 * `onDelivered`, @roomcast/cluster withEventFilter), and replay sizes (subscriptions.ts).
 *
 * The latency is `now − envelope.ts`: the event's commit time (the outbox row's
 * clock_timestamp(), on the database's clock) to the moment this node hands the encoded
 * packet to its sockets' transports. It covers the relay's wait and round, Redis and the
 * adapter; it does not cover the last network hop to the client, and skew between the
 * database's and this node's clocks adds to it (keep them NTP-synced).
 */
import type { Metrics } from "@roomcast/ops";
import { parseStream, type Principal } from "@roomcast/protocol";
import type { PublishUseCase } from "../publish/publish-use-case";

export interface DeliveryMetrics {
  /** For withEventFilter's `onDelivered`. */
  onDelivered(room: string, sockets: number, packet: unknown): void;
  /** After a `subscribe` replayed `count` events to a socket of `tenant`. */
  onReplayed(tenant: string, count: number): void;
  /** The same use case, counting what it commits. */
  instrumentPublish(publish: PublishUseCase): PublishUseCase;
}

export function createDeliveryMetrics(metrics: Metrics, now: () => number = Date.now): DeliveryMetrics {
  return {
    onDelivered(room, sockets, packet) {
      if (sockets === 0) return;
      const tenant = parseStream(room)?.tenant;
      if (tenant === undefined) return;
      metrics.countDelivered(tenant, sockets);
      const committed = commitTime(packet);
      if (committed !== undefined) metrics.deliveryLatency.observe(Math.max(0, now() - committed) / 1000);
    },
    onReplayed(tenant, count) {
      metrics.replayEvents.observe(count);
      if (count > 0) metrics.countDelivered(tenant, count);
    },
    instrumentPublish(publish) {
      const counted = <R extends { ok: boolean }>(principal: Principal, result: R, count: (r: R) => number): R => {
        if (result.ok) metrics.countPublished(principal.tenant, count(result));
        return result;
      };
      return {
        one: async (principal, payload) => counted(principal, await publish.one(principal, payload), () => 1),
        batch: async (principal, body) => counted(principal, await publish.batch(principal, body), (r) => (r.ok ? r.events.length : 0)),
      };
    },
  };
}

/** Milliseconds since the epoch of the envelope's `ts` in a Socket.IO packet `["event", envelope]`. */
function commitTime(packet: unknown): number | undefined {
  const data = (packet as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data) || data[0] !== "event") return undefined;
  const ts = (data[1] as { ts?: unknown } | undefined)?.ts;
  if (typeof ts !== "string") return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
}
