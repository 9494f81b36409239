/**
 * A durable Roomcast stack inside the test process: a per-run PostgreSQL database, N
 * gateways sharing the real Redis under a per-run prefix, and relays running in-process.
 * (The embedded PGlite default runs as a real process: gateway-process.ts.) Relay *processes* (for crash tests) are started with
 * `spawnRelay()`. `close()` stops everything and drops the database and Redis keys.
 */
import { createRedisClients, type RedisClients } from "@roomcast/cluster";
import { loadConfig, type Config } from "@roomcast/config";
import { createDb, createRelayOutbox, type Db } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { createRelay, relayMemberId, serverEmitter, type RelayOptions } from "@roomcast/relay-core";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pino from "pino";
import { createDbStreamStore, createGateway, deleteKeys, type Gateway, signToken, TEST_REDIS_URL, TEST_SECRET, type TokenRequest, uniquePrefix } from "@roomcast/gateway/testing";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export interface StackOptions {
  gateways: number;
  /** In-process relays (default 1). */
  relays?: number;
  /** Extra environment for every node's config. */
  env?: Record<string, string>;
  relayOptions?: Partial<RelayOptions>;
  /** A Redis of the test's own (default: the machine's, under a per-run prefix). */
  redisUrl?: string;
  /** Mount the chat product (its APIs and socket publish route) on every gateway. */
  chat?: boolean;
}

export interface StackNode {
  gateway: Gateway;
  url: string;
  db: Db;
  redis: RedisClients | undefined;
}

export interface Stack {
  nodes: StackNode[];
  /** A database handle for producers (tests publish through it like a service would). */
  db: Db;
  config: Readonly<Config>;
  databaseUrl: string;
  prefix: string;
  token(request: TokenRequest): string;
  /** Starts a relay process against this stack's PostgreSQL and Redis. */
  spawnRelay(name: string, env?: Record<string, string>): ChildProcess;
  /** Stops the in-process relays (e.g. to leave the work to relay processes). */
  stopRelays(): Promise<void>;
  close(): Promise<void>;
}

const relayDefaults: Omit<RelayOptions, "memberId"> = { pollIntervalMs: 200, batchSize: 500, maxAttempts: 3, minBackoffMs: 50, maxBackoffMs: 1000 };

export async function startStack(options: StackOptions): Promise<Stack> {
  const prefix = uniquePrefix();
  const logger = pino({ level: process.env.ROOMCAST_TEST_LOG_LEVEL ?? "silent" });
  const testDb: TestDatabase = await createTestDatabase();
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const baseEnv = {
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    ROOMCAST_JWT_SECRET: TEST_SECRET,
    ROOMCAST_REDIS_PREFIX: prefix,
    ROOMCAST_RELAY: "off",
    ROOMCAST_ADMIN_UI: "off",
    REDIS_URL: redisUrl,
    DATABASE_URL: testDb.url,
    ...options.env,
  };
  const { config } = loadConfig(baseEnv);
  const openDb = () => createDb({ databaseUrl: testDb.url, logger });
  const shared = await openDb();
  const nodes: StackNode[] = [];
  for (let i = 0; i < options.gateways; i++) {
    const nodeConfig = loadConfig({ ...baseEnv, NODE_ID: `node-${i}` }).config;
    const db = await openDb();
    const redis = nodeConfig.redis ? createRedisClients(nodeConfig.redis, logger) : undefined;
    const gateway = createGateway({
      config: nodeConfig,
      logger,
      redis,
      store: createDbStreamStore(db, { replayLimit: nodeConfig.replayLimit }),
      chat: options.chat ? { db } : undefined,
    });
    const address = await gateway.listen(0, "127.0.0.1");
    nodes.push({ gateway, url: `http://127.0.0.1:${address.port}`, db, redis });
  }

  // In-process relays emit through node 0's server (its adapter reaches every node).
  const relayAbort = new AbortController();
  const relayRuns: Promise<void>[] = [];
  const first = nodes[0]!;
  for (let i = 0; i < (options.relays ?? 1); i++) {
    const emitter = serverEmitter(first.gateway.io, first.redis ? () => first.redis!.flush() : undefined);
    relayRuns.push(
      createRelay({ outbox: createRelayOutbox(first.db), emitter, logger }, { ...relayDefaults, memberId: relayMemberId(`test-${i}`), ...options.relayOptions }).run(
        relayAbort.signal,
      ),
    );
  }
  const children = new Set<ChildProcess>();

  return {
    nodes,
    db: shared,
    config,
    databaseUrl: testDb.url,
    prefix,
    token: (request) => signToken(config.jwt, request),
    spawnRelay(name, env = {}) {
      const url = new URL(testDb.url);
      url.searchParams.set("application_name", name);
      const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "apps/relay/src/main.ts")], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: "test",
          NODE_ID: name,
          LOG_LEVEL: process.env.ROOMCAST_TEST_LOG_LEVEL ?? "warn",
          DATABASE_URL: url.toString(),
          REDIS_URL: redisUrl,
          ROOMCAST_REDIS_PREFIX: prefix,
          ROOMCAST_JWT_SECRET: TEST_SECRET,
          ROOMCAST_ADMIN_UI: "off",
          ROOMCAST_RELAY_POLL_MS: "200",
          ...env,
        },
        stdio: ["ignore", "ignore", "inherit"],
      });
      children.add(child);
      child.once("exit", () => children.delete(child));
      return child;
    },
    async stopRelays() {
      relayAbort.abort();
      await Promise.all(relayRuns);
    },
    async close() {
      relayAbort.abort();
      await Promise.all(relayRuns);
      for (const child of children) child.kill("SIGKILL");
      for (const node of nodes) await node.gateway.close();
      for (const node of nodes) {
        await node.redis?.close();
        await node.db.close();
      }
      await shared.close();
      await deleteKeys(redisUrl, prefix);
      await testDb.drop();
    },
  };
}
