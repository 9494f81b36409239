export { createRedisClients, type RedisClients } from "./redis-clients";
export { clusterAdapter } from "./adapter";
