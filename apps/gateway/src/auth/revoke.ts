/**
 * Revocation, one use case for the admin API, sign-out, the end of a chat session and the
 * CLI (which calls the admin API): the target is stored in the revocation list (Redis when
 * clustered, so a revoked token is refused by every node's handshake and API from then on),
 * then every node — this one directly, the others through the adapter (`serverSideEmit
 * "auth:revoked"`) — keeps it in its local copy, sends each of its own matching sockets
 * `system {type: "revoked"}` and disconnects them. Each node writes the notice and the
 * disconnect itself, so the notice is surely sent before the close.
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
  revoke(target: RevocationTarget): Promise<void>;
}

export interface RevokerDeps {
  list: RevocationList;
  logger: Logger;
  /** Set once the Socket.IO server exists. */
  io(): GatewayServer;
  /** Whether other nodes exist to tell (a cluster adapter); false: this node is all. */
  clustered: boolean;
}

export function createRevoker(deps: RevokerDeps): Revoker & { attach(io: GatewayServer): void } {
  const disconnectLocal = (io: GatewayServer, target: RevocationTarget) => {
    const room = roomOfTarget(target);
    const ts = new Date().toISOString();
    let count = 0;
    for (const socket of io.of("/").sockets.values()) {
      if (!socket.rooms.has(room)) continue;
      // A user revocation covers tokens issued up to `at` only: a socket already on a newer token stays.
      if (target.kind === "user" && (socket.data.grant.iat ?? 0) * 1000 > target.at) continue;
      socket.emit("system", { type: "revoked", message: "your access was revoked", ts });
      socket.disconnect(true);
      count += 1;
    }
    if (count > 0) deps.logger.info({ kind: target.kind, tenant: target.tenant, sockets: count }, "revoked sockets disconnected");
  };

  return {
    attach(io) {
      io.on("auth:revoked", (target) => {
        deps.list.learn(target);
        disconnectLocal(io, target);
      });
    },
    async revoke(target) {
      await deps.list.add(target);
      const io = deps.io();
      if (deps.clustered) io.serverSideEmit("auth:revoked", target);
      disconnectLocal(io, target);
    },
  };
}
