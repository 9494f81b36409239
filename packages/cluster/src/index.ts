export { createRedisClients, type RedisClients, type RedisConnection } from "./redis-clients";
export { DEFAULT_COMMAND_TIMEOUT_MS } from "./client-options";
export { isCluster, type RedisClient } from "./handled-clients";
export { createRedisHealth, type RedisHealth, type RedisHealthState } from "./redis-health";
export { clusterAdapter } from "./adapter";
export { withEventFilter, type AdapterConstructor, type EventFilterOptions } from "./filtered-adapter";
