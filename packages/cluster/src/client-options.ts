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
      // Not auto-pipelined: measured on the join benchmark (docs/benchmarks.md "Joining"),
      // handshakes arrive spread over event-loop turns, so a pipeline held one or two
      // commands and its bookkeeping cost the gateway more CPU (1.52 vs 1.44 ms per join)
      // than the shared writes saved.
      return { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false };
  }
}
