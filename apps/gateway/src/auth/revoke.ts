/**
 * Revocation, one use case for the admin API, sign-out, the end of a chat session and the
 * CLI (which calls the admin API): the target is stored in the revocation list (Redis when
 * clustered, so a revoked token is refused by every node's handshake and API from then on),
 * then every node — this one directly, the others through the adapter (`serverSideEmit
 * "auth:revoked"`) — keeps it in its local copy, sends each of its own matching sockets
 * `system {type: "revoked"}` and disconnects them. Each node writes the notice and the
 * disconnect itself, so the notice is surely sent before the close. With `graceMs` (the end
 * of a chat session) the disconnect waits that long after the notice, so the session's last
 * events (its `session:updated`) still reach the widget; handshakes are refused at once.
 *
 * `revoke` rejects when the list cannot be stored (Redis unreachable within its command
 * timeout): the caller answers `unavailable` and nothing was disconnected.
 */
import type { RevocationTarget } from "@roomcast/protocol";
import type { Logger } from "pino";
import type { GatewayServer } from "../socket/socket-types";
import { roomOfTarget } from "./auth-rooms";
import type { RevocationList } from "./revocations";

export interface Revoker {
  revoke(target: RevocationTarget, options?: { graceMs?: number }): Promise<void>;
}

/** Longest a revoked socket may stay connected after its notice. */
const MAX_GRACE_MS = 5000;

export interface RevokerDeps {
  list: RevocationList;
  logger: Logger;
  /** Set once the Socket.IO server exists. */
  io(): GatewayServer;
  /** Whether other nodes exist to tell (a cluster adapter); false: this node is all. */
  clustered: boolean;
}

export function createRevoker(deps: RevokerDeps): Revoker & { attach(io: GatewayServer): void; close(): void } {
  const timers = new Set<NodeJS.Timeout>();
  const disconnectLocal = (io: GatewayServer, target: RevocationTarget, graceMs: number) => {
    const room = roomOfTarget(target);
    const ts = new Date().toISOString();
    let count = 0;
    for (const socket of io.of("/").sockets.values()) {
      if (!socket.rooms.has(room)) continue;
      // A user revocation covers tokens issued up to `at` only: a socket already on a newer token stays.
      if (target.kind === "user" && (socket.data.grant.iat ?? 0) * 1000 > target.at) continue;
      socket.emit("system", { type: "revoked", message: "your access was revoked", ts });
      count += 1;
      if (graceMs <= 0) {
        socket.disconnect(true);
        continue;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        socket.disconnect(true);
      }, graceMs);
      timers.add(timer);
    }
    if (count > 0) deps.logger.info({ kind: target.kind, tenant: target.tenant, sockets: count }, "revoked sockets disconnected");
  };

  return {
    attach(io) {
      io.on("auth:revoked", (target, graceMs) => {
        deps.list.learn(target);
        disconnectLocal(io, target, typeof graceMs === "number" ? Math.min(Math.max(graceMs, 0), MAX_GRACE_MS) : 0);
      });
    },
    async revoke(target, options = {}) {
      const graceMs = Math.min(options.graceMs ?? 0, MAX_GRACE_MS);
      await deps.list.add(target);
      const io = deps.io();
      if (deps.clustered) io.serverSideEmit("auth:revoked", target, graceMs);
      disconnectLocal(io, target, graceMs);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
