/**
 * Per-role ioredis options, the same for one Redis and for every node of a Redis Cluster
 * (why each is what it is: redis-clients.ts).
 */
import type { RedisOptions } from "ioredis";

export type RedisRole = "pub" | "sub" | "cmd";

export const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

/** Per-role options shared by both kinds of client. */
export function roleOptions(role: RedisRole, commandTimeoutMs: number): RedisOptions {
  const common = { connectionName: `roomcast-${role}`, commandTimeout: commandTimeoutMs };
  switch (role) {
    case "pub":
      // Auto-pipelining: the SPUBLISHes a relay round or a broadcast burst issues in one tick
      // leave in one socket write instead of one write (one syscall) each.
      return { ...common, maxRetriesPerRequest: 2, enableAutoPipelining: true };
    case "sub":
      // No ready check: ioredis sends INFO for it, which Redis refuses once the connection
      // is in (sharded) subscriber mode.
      return { ...common, maxRetriesPerRequest: null, enableReadyCheck: false };
    case "cmd":
      // Auto-pipelining: what concurrent handshakes and events ask at once (the revocation
      // MGET, the tenant limiter's EVALSHA, quota reads) leaves in one write per event-loop
      // turn. Each command keeps its own `commandTimeout` (ioredis arms it in sendCommand,
      // also for a pipeline's commands), but a pipeline waits for the one in flight to be
      // answered, so a command may wait up to twice the timeout; every caller on the
      // handshake path races its own, shorter bound (250–500 ms). MULTI is never
      // auto-pipelined (it is sent on its own, as before).
      return { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: true };
  }
}
