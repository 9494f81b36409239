/**
 * A socket's authorization over its lifetime, after the handshake verified its token:
 * - it joins its auth rooms (auth-rooms.ts), so a revocation reaches it on any node;
 * - at its token's `exp` it is sent `system {type: "token_expired"}` and disconnected,
 *   unless `auth:refresh` gave it a new token first;
 * - `auth:refresh({ token }, ack)`: the token is verified like a handshake's (signature,
 *   claims, revocation); it must be for the same tenant, subject, role and chat session
 *   (`forbidden` otherwise), and then replaces the socket's grant and expiry. A refused
 *   refresh changes nothing: the socket keeps running until its current token's `exp`.
 * Memory per socket is kept small: the expiries of all sockets share one timer (an
 * expiry-sweep.ts entry, moved on refresh, removed at disconnect), and the `auth:refresh`
 * and `disconnect` listeners are one function each for every socket (Node calls a listener
 * with the emitter, the socket, as `this`). `close()` stops the timer.
 */
import { err, refreshSchema, type Principal, type RefreshOk } from "@roomcast/protocol";
import { guarded } from "../socket/ack";
import type { SocketLogger } from "../socket/socket-logger";
import type { GatewaySocket } from "../socket/socket-types";
import { describeIssues } from "../validation/describe-issues";
import { authRoomsOf } from "./auth-rooms";
import type { Authenticator } from "./authenticator";
import { createExpirySweep } from "./expiry-sweep";

export interface SocketAuthDeps {
  authenticator: Authenticator;
  logOf: SocketLogger;
  now?: () => number;
  onExpired?: (socket: GatewaySocket) => void;
}

export interface SocketAuth {
  /** Joins the socket's auth rooms, watches its expiry and handles its `auth:refresh`. */
  attach(socket: GatewaySocket): void;
  /** Sockets whose expiry is watched (tests). */
  watched(): number;
  close(): void;
}

const sameIdentity = (a: Principal, b: Principal) => a.tenant === b.tenant && a.sub === b.sub && a.role === b.role && a.session === b.session;

export function createSocketAuth(deps: SocketAuthDeps): SocketAuth {
  const now = deps.now ?? Date.now;

  function expire(socket: GatewaySocket): void {
    if (!socket.connected) return;
    const { exp } = socket.data.grant;
    if (exp * 1000 > now()) return sweep.add(socket, exp);
    deps.onExpired?.(socket);
    deps.logOf(socket).debug("token expired; disconnecting");
    socket.emit("system", { type: "token_expired", message: "your token expired; reconnect with a new one", ts: new Date(now()).toISOString() });
    socket.disconnect(true);
  }

  const sweep = createExpirySweep<GatewaySocket>({
    now,
    onDue: expire,
    onError: (error, socket) => deps.logOf(socket).error({ err: error }, "token expiry failed"),
  });

  function onDisconnect(this: GatewaySocket): void {
    sweep.remove(this, this.data.grant.exp);
  }

  function refresh(socket: GatewaySocket, payload: unknown, ack: unknown): void {
    guarded<RefreshOk>(() => deps.logOf(socket), "auth:refresh", ack, async (reply) => {
      const parsed = refreshSchema.safeParse(payload);
      if (!parsed.success) return reply(err("invalid", describeIssues(parsed.error.issues)));
      const outcome = await deps.authenticator.authenticate({ headers: {}, socketToken: parsed.data.token });
      if (!outcome.ok) return reply(outcome);
      if (!sameIdentity(outcome.principal, socket.data.principal)) {
        return reply(err("forbidden", "a refreshed token must be for the same tenant, subject, role and session"));
      }
      if (!socket.connected) return reply(err("unauthorized", "the socket is closed"));
      const previous = socket.data.grant;
      const previousRooms = authRoomsOf(socket.data.principal, previous);
      const next = authRoomsOf(outcome.principal, outcome.grant);
      // Grant and expiry entry move together, before any await: a disconnect in between
      // removes the entry under the grant it finds.
      socket.data.grant = outcome.grant;
      sweep.remove(socket, previous.exp);
      sweep.add(socket, outcome.grant.exp);
      await socket.join(next);
      for (const room of previousRooms) if (!next.includes(room)) await socket.leave(room);
      reply({ ok: true, exp: outcome.grant.exp });
    });
  }

  function onRefresh(this: GatewaySocket, payload: unknown, ack: unknown): void {
    refresh(this, payload, ack);
  }

  return {
    attach(socket) {
      void socket.join(authRoomsOf(socket.data.principal, socket.data.grant));
      sweep.add(socket, socket.data.grant.exp);
      socket.on("disconnect", onDisconnect);
      socket.on("auth:refresh", onRefresh);
    },
    watched: () => sweep.size(),
    close: () => sweep.close(),
  };
}
