/**
 * The gateway process: the only file that reads the environment, opens connections and
 * touches `process`. Single-node default: embedded PGlite (migrated at start-up), the
 * in-memory adapter and the relay in-process. With DATABASE_URL, REDIS_URL and
 * ROOMCAST_RELAY=off it is one node of a cluster.
 */
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createAnalyticsJob, seedDemo } from "@roomcast/chat";
import { createRedisClients } from "@roomcast/cluster";
import { ConfigError, loadConfig } from "@roomcast/config";
import { createDb, DataDirLockedError, createRelayOutbox, migrate, outboxBacklog, pendingMigrations } from "@roomcast/db";
import { createLogger } from "@roomcast/ops";
import { createRelay, createRetentionWorker, relayMemberId, serverEmitter, SOLE_RELAY } from "@roomcast/relay-core";
import { countActiveUsers } from "./chat/active-users";
import { loadBuiltWebAssets, webAssetMap } from "./chat/web-assets";
import { createDbStreamStore } from "./db-stream-store";
import { createGateway } from "./gateway";
import { frontPages } from "./http/front-pages";
import { landingLinks, publicBaseUrl, readyBanner } from "./http/landing-page";

async function main(): Promise<void> {
  const { config, warnings } = loadConfig(process.env);
  const logger = createLogger(config.logLevel, config.nodeId);
  for (const warning of warnings) logger.warn(warning);

  const target = config.database.kind === "pglite" ? { pgliteDir: config.database.dataDir, logger } : { databaseUrl: config.database.url, logger };
  if (config.database.kind === "pglite") mkdirSync(config.database.dataDir, { recursive: true });
  let db = await createDb(target);
  // Embedded: migrated at start-up. The migrator (a second process, about a second) runs
  // only when a migration is pending, so a restart on an existing folder opens it once.
  if (config.database.kind === "pglite" && (await pendingMigrations(db.prisma)).length > 0) {
    await db.close();
    const { applied } = await migrate({ pgliteDir: config.database.dataDir });
    logger.info({ applied }, "migrations applied");
    db = await createDb(target);
  }
  const redis = config.redis === undefined ? undefined : createRedisClients(config.redis, logger);
  const store = createDbStreamStore(db, { replayLimit: config.replayLimit });
  if (config.chat.demoSeed) await seedDemo(db);
  // The widget and console (chat/web-assets.ts). Compiled (npm run build): the bundles the build
  // wrote beside this file, nothing bundled now. From the sources (npm start): bundled now, in memory.
  const assets = __filename.endsWith(".ts")
    ? webAssetMap(await (await import("./chat/web-bundle")).bundleWebAssets(path.resolve(__dirname, "../../widget/src")))
    : loadBuiltWebAssets(path.join(__dirname, "web"));
  // ../package.json from src/ (tsx) and from dist/ (the compiled build) alike.
  const { version } = JSON.parse(readFileSync(path.join(__dirname, "../package.json"), "utf8")) as { version: string };
  const gateway = createGateway({ config, logger, store, redis, backlog: () => outboxBacklog(db.prisma), processMetrics: true, chat: { db, assets }, version });

  const workers = new AbortController();
  const running: Promise<void>[] = [];
  if (config.relay.mode === "inline") {
    const emitter = serverEmitter(gateway.io, redis === undefined ? undefined : () => redis.flush());
    running.push(createRelay({ outbox: createRelayOutbox(db), emitter, logger, hooks: gateway.metrics.relayHooks }, { ...config.relay, ...(config.database.kind === "pglite" ? SOLE_RELAY : {}), memberId: relayMemberId(config.nodeId) }).run(workers.signal));
    running.push(
      createRetentionWorker({ db, logger }, { retentionMs: config.relay.retentionMs, maxPerStream: config.relay.retentionMaxPerStream }).run(
        workers.signal,
      ),
    );
  }
  if (config.chat.analyticsIntervalMs > 0) {
    const job = createAnalyticsJob({ db, logger, holder: config.nodeId, activeUsers: () => countActiveUsers(gateway.io) }, { intervalMs: config.chat.analyticsIntervalMs });
    running.push(job.run(workers.signal));
  }
  const address = await gateway.listen();
  // For the person who ran `npm start`: where to go (the same links as the landing page, `/`).
  const baseUrl = publicBaseUrl(config.host, address.port);
  const links = landingLinks(frontPages(config, assets, version).landing);
  logger.info({ url: `${baseUrl}/`, links: Object.fromEntries(links.map((link) => [link.label, `${baseUrl}${link.path}`])) }, "ready");
  process.stderr.write(readyBanner(baseUrl, links));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, "shutdown took too long; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    (async () => {
      await gateway.drain();
      workers.abort();
      await Promise.allSettled(running);
      await gateway.close();
      await redis?.close();
      await db.close();
      logger.info("stopped");
      process.exit(0);
    })().catch((error: unknown) => {
      logger.error({ err: error }, "shutdown failed");
      process.exit(1);
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  // A ConfigError's message names every bad key, a DataDirLockedError the folder and its holder; anything else needs its stack.
  const detail = error instanceof ConfigError || error instanceof DataDirLockedError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`roomcast gateway failed to start: ${detail}\n`);
  process.exit(1);
});
