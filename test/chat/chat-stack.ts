/**
 * An in-process chat stack for the chat API tests: a per-run PostgreSQL database seeded
 * with the tenant ACME, N gateways with the chat product on one Redis prefix, and one
 * in-process relay. `api()` calls the HTTP API of a node; `close()` stops everything and
 * drops the database and the Redis keys.
 */
import { seedTenant } from "@roomcast/chat";
import { createRedisClients, type RedisClients } from "@roomcast/cluster";
import { loadConfig, type Config } from "@roomcast/config";
import { createDb, type Db } from "@roomcast/db";
import { createTestDatabase } from "@roomcast/db/testing";
import { createRelay, serverEmitter } from "@roomcast/relay-core";
import pino from "pino";
import { signToken, type TokenRequest } from "../../apps/gateway/src/auth/sign-token";
import { createDbStreamStore } from "../../apps/gateway/src/db-stream-store";
import { createGateway, type Gateway } from "../../apps/gateway/src/gateway";
import { deleteKeys, TEST_REDIS_URL, TEST_SECRET, uniquePrefix } from "../../apps/gateway/src/testing/harness";

export const ACME = {
  id: "acme",
  name: "Acme",
  widgetKey: "acme-widget-key",
  allowedOrigins: ["https://shop.acme.test"],
  users: [
    { id: "agent1", email: "agent1@acme.test", name: "Agent One", role: "agent" as const, password: "pw-agent1" },
    { id: "agent2", email: "agent2@acme.test", name: "Agent Two", role: "agent" as const, password: "pw-agent2" },
    { id: "boss", email: "boss@acme.test", name: "Boss", role: "admin" as const, password: "pw-boss" },
  ],
};

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown> & { ok: boolean; error?: { code: string; message: string } };
  headers: Headers;
}

export interface ChatStack {
  urls: string[];
  gateways: Gateway[];
  db: Db;
  config: Readonly<Config>;
  token(request: TokenRequest): string;
  api(path: string, options?: { method?: string; token?: string; body?: unknown; origin?: string; node?: number }): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export async function startChatStack(nodes: number): Promise<ChatStack> {
  const prefix = uniquePrefix();
  const logger = pino({ level: process.env.ROOMCAST_TEST_LOG_LEVEL ?? "silent" });
  const database = await createTestDatabase();
  const env = {
    NODE_ENV: "test",
    ROOMCAST_JWT_SECRET: TEST_SECRET,
    ROOMCAST_REDIS_PREFIX: prefix,
    REDIS_URL: TEST_REDIS_URL,
    DATABASE_URL: database.url,
    ROOMCAST_ADMIN_UI: "off",
  };
  const { config } = loadConfig(env);
  const db = await createDb({ databaseUrl: database.url, logger });
  await seedTenant(db, ACME);
  const gateways: Gateway[] = [];
  const dbs: Db[] = [];
  const redises: RedisClients[] = [];
  const urls: string[] = [];
  for (let i = 0; i < nodes; i++) {
    const nodeConfig = loadConfig({ ...env, NODE_ID: `chat-${i}` }).config;
    const nodeDb = await createDb({ databaseUrl: database.url, logger });
    const redis = createRedisClients(TEST_REDIS_URL, logger);
    const gateway = createGateway({ config: nodeConfig, logger, redis, store: createDbStreamStore(nodeDb, { replayLimit: 5000 }), chat: { db: nodeDb } });
    const address = await gateway.listen(0, "127.0.0.1");
    gateways.push(gateway);
    dbs.push(nodeDb);
    redises.push(redis);
    urls.push(`http://127.0.0.1:${address.port}`);
  }
  const first = gateways[0]!;
  const relayAbort = new AbortController();
  const relay = createRelay(
    { db: dbs[0]!, emitter: serverEmitter(first.io, () => redises[0]!.pub.ping().then(() => undefined)), logger },
    { pollIntervalMs: 200, batchSize: 500, maxAttempts: 3, minBackoffMs: 50, maxBackoffMs: 1000 },
  ).run(relayAbort.signal);

  return {
    urls,
    gateways,
    db,
    config,
    token: (request) => signToken(config.jwt, request),
    async api(path, options = {}) {
      const headers: Record<string, string> = {};
      if (options.body !== undefined) headers["content-type"] = "application/json";
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      if (options.origin !== undefined) headers.origin = options.origin;
      const response = await fetch(`${urls[options.node ?? 0]}/api/v1${path}`, {
        method: options.method ?? (options.body === undefined ? "GET" : "POST"),
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
      });
      return { status: response.status, body: (await response.json()) as ApiAnswer["body"], headers: response.headers };
    },
    async close() {
      relayAbort.abort();
      await relay;
      for (const gateway of gateways) await gateway.close();
      for (const redis of redises) await redis.close();
      for (const nodeDb of dbs) await nodeDb.close();
      await db.close();
      await deleteKeys(TEST_REDIS_URL, prefix);
      await database.drop();
    },
  };
}
