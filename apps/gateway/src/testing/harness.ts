/**
 * Starts gateways in this process for integration tests: each node has its own config,
 * its own Redis clients and a port picked by the OS, and all of a run's nodes share one
 * Redis key prefix that no other run uses. `close()` stops the nodes and deletes the
 * run's Redis keys.
 */
import { loadConfig, type Config } from "@roomcast/config";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pino, { type Logger } from "pino";
import { signToken, type TokenRequest } from "../auth/sign-token";
import { createRedisClients, type RedisClients } from "@roomcast/cluster";
import { createGateway, type Gateway } from "../gateway";
import type { StreamStore } from "../stream-store";
import { createMemoryStore } from "./memory-store";

export const TEST_REDIS_URL = process.env.ROOMCAST_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const TEST_SECRET = "roomcast-test-secret-0123456789abcdef";

export interface TestNode {
  gateway: Gateway;
  url: string;
  config: Readonly<Config>;
  redis: RedisClients | undefined;
}

export interface TestCluster {
  nodes: TestNode[];
  prefix: string;
  token(request: TokenRequest): string;
  close(): Promise<void>;
}

export function uniquePrefix(): string {
  return `rc-test-${process.pid}-${randomBytes(4).toString("hex")}`;
}

export interface ClusterOptions {
  nodes: number;
  /** Extra environment, e.g. { ROOMCAST_REDIS_ADAPTER: "classic" }. Omit REDIS_URL for single nodes. */
  env?: Record<string, string>;
  redisUrl?: string | null;
  store?: (index: number) => StreamStore;
  /** Default: pino at ROOMCAST_TEST_LOG_LEVEL (silent). A test that asserts on logs passes its own. */
  logger?: Logger;
}

export async function startCluster(options: ClusterOptions): Promise<TestCluster> {
  const prefix = uniquePrefix();
  const redisUrl = options.redisUrl === null ? undefined : (options.redisUrl ?? TEST_REDIS_URL);
  const logger = options.logger ?? pino({ level: process.env.ROOMCAST_TEST_LOG_LEVEL ?? "silent" });
  const nodes: TestNode[] = [];
  for (let i = 0; i < options.nodes; i++) {
    const { config } = loadConfig({
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      NODE_ID: `node-${i}`,
      ROOMCAST_JWT_SECRET: TEST_SECRET,
      ROOMCAST_REDIS_PREFIX: prefix,
      ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }),
      ...options.env,
    });
    const nodeLogger = logger.child({ testNode: i });
    const redis = config.redis === undefined ? undefined : createRedisClients(config.redis, nodeLogger);
    const gateway = createGateway({ config, logger: nodeLogger, redis, store: options.store?.(i) ?? createMemoryStore() });
    const address = await gateway.listen(0, "127.0.0.1");
    nodes.push({ gateway, url: `http://127.0.0.1:${address.port}`, config, redis });
  }
  const jwtConfig = nodes[0]?.config.jwt;
  if (jwtConfig === undefined) throw new Error("a cluster needs at least one node");
  return {
    nodes,
    prefix,
    token: (request) => signToken(jwtConfig, request),
    async close() {
      for (const node of nodes) await node.gateway.close();
      for (const node of nodes) await node.redis?.close();
      if (redisUrl !== undefined) await deleteKeys(redisUrl, prefix);
    },
  };
}

export async function deleteKeys(url: string, prefix: string): Promise<void> {
  // Bounded like every Redis wait: a paused Redis fails each command after 2 s, not never.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } catch {
    // The test owning this Redis may have stopped it already; nothing to clean then.
  } finally {
    redis.disconnect();
  }
}
