/**
 * A socket's authorization over its lifetime, after the handshake verified its token:
 * - it joins its auth rooms (auth-rooms.ts), so a revocation reaches it on any node;
 * - at its token's `exp` it is sent `system {type: "token_expired"}` and disconnected,
 *   unless `auth:refresh` gave it a new token first;
 * - `auth:refresh({ token }, ack)`: the token is verified like a handshake's (signature,
 *   claims, revocation); it must be for the same tenant, subject, role and chat session
 *   (`forbidden` otherwise), and then replaces the socket's grant and expiry. A refused
 *   refresh changes nothing: the socket keeps running until its current token's `exp`.
 * The timer is this socket's and is cleared when it disconnects.
 */
import { err, refreshSchema, type Principal, type RefreshOk, type TokenGrant } from "@roomcast/protocol";
import type { Logger } from "pino";
import { guarded } from "../socket/ack";
import type { GatewaySocket } from "../socket/socket-types";
import { describeIssues } from "../validation/describe-issues";
import { authRoomsOf } from "./auth-rooms";
import type { Authenticator } from "./authenticator";

/** setTimeout's longest delay; a later expiry is reached in steps. */
const MAX_TIMER_MS = 2_147_483_647;

export interface SocketAuthDeps {
  authenticator: Authenticator;
  logger: Logger;
  now?: () => number;
  onExpired?: () => void;
}

const sameIdentity = (a: Principal, b: Principal) => a.tenant === b.tenant && a.sub === b.sub && a.role === b.role && a.session === b.session;

export function attachSocketAuth(socket: GatewaySocket, deps: SocketAuthDeps): void {
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;

  const arm = (grant: TokenGrant) => {
    clearTimeout(timer);
    const wait = grant.exp * 1000 - now();
    timer = setTimeout(() => {
      if (socket.data.grant.exp * 1000 > now()) return arm(socket.data.grant);
      deps.onExpired?.();
      deps.logger.debug("token expired; disconnecting");
      socket.emit("system", { type: "token_expired", message: "your token expired; reconnect with a new one", ts: new Date(now()).toISOString() });
      socket.disconnect(true);
    }, Math.min(Math.max(wait, 0), MAX_TIMER_MS));
  };

  void socket.join(authRoomsOf(socket.data.principal, socket.data.grant));
  arm(socket.data.grant);
  socket.on("disconnect", () => clearTimeout(timer));

  socket.on("auth:refresh", (payload, ack) =>
    guarded<RefreshOk>(deps.logger, "auth:refresh", ack, async (reply) => {
      const parsed = refreshSchema.safeParse(payload);
      if (!parsed.success) return reply(err("invalid", describeIssues(parsed.error.issues)));
      const outcome = await deps.authenticator.authenticate({ headers: {}, socketToken: parsed.data.token });
      if (!outcome.ok) return reply(outcome);
      if (!sameIdentity(outcome.principal, socket.data.principal)) {
        return reply(err("forbidden", "a refreshed token must be for the same tenant, subject, role and session"));
      }
      if (!socket.connected) return reply(err("unauthorized", "the socket is closed"));
      const previous = authRoomsOf(socket.data.principal, socket.data.grant);
      const next = authRoomsOf(outcome.principal, outcome.grant);
      socket.data.grant = outcome.grant;
      await socket.join(next);
      for (const room of previous) if (!next.includes(room)) await socket.leave(room);
      arm(outcome.grant);
      reply({ ok: true, exp: outcome.grant.exp });
    }),
  );
}
