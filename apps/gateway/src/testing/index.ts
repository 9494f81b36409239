/**
 * `@roomcast/gateway/testing`: what tests outside this package (the repository's test/
 * folder) may use of the gateway — building gateways in-process, signing tokens, socket
 * clients, bounded waits, owned Redis servers and proxies. Everything else in src/ is
 * the package's own; lint refuses a path into it from outside (eslint.config.mjs).
 */
export { signToken, type TokenRequest } from "../auth/sign-token";
export { createDbStreamStore } from "../db-stream-store";
export { createGateway, type Gateway, type GatewayDeps } from "../gateway";
export type { ClusterStatus } from "../ops/cluster-status";
export { collect, connected, connectOutcome, openSocket, request, type ConnectOutcome, type TestSocket } from "./clients";
export { deleteKeys, startCluster, TEST_REDIS_URL, TEST_SECRET, uniquePrefix, type ClusterOptions, type TestCluster, type TestNode } from "./harness";
export { createMemoryStore, type MemoryStore } from "./memory-store";
export { ownedRedisCluster, type OwnedRedisCluster } from "./redis-cluster";
export { freePort, ownedRedis, type OwnedRedis } from "./redis-server";
export { startTcpProxy, type TcpProxy } from "./tcp-proxy";
export { until, waitFor } from "./wait";
