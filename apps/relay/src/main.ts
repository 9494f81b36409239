/**
 * The relay process for a cluster: reads the outbox of DATABASE_URL and emits into the
 * rooms of every gateway through the Redis adapter of a Socket.IO server that has no HTTP
 * listener. Several may run; partition locks keep each stream with one relay at a time.
 * SIGTERM/SIGINT: finish the current round, then exit. With ROOMCAST_METRICS_PORT set it
 * serves its Prometheus metrics (events emitted, quarantines, failed rounds, backlog, lag)
 * at GET /metrics on that port.
 */
import { clusterAdapter, createRedisClients, withEventFilter } from "@roomcast/cluster";
import { ConfigError, loadConfig } from "@roomcast/config";
import { createDb, createRelayOutbox, outboxBacklog } from "@roomcast/db";
import { createLogger, createMetrics, createMetricsServer } from "@roomcast/ops";
import { createRelay, createRetentionWorker, relayMemberId, serverEmitter } from "@roomcast/relay-core";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Server } from "socket.io";

async function main(): Promise<void> {
  const { config } = loadConfig(process.env);
  const logger = createLogger(config.logLevel, config.nodeId);
  if (config.database.kind !== "postgres" || config.redis === undefined) {
    logger.fatal("a relay process needs DATABASE_URL and REDIS_URL or REDIS_CLUSTER_NODES (the single-node default runs the relay inside the gateway)");
    process.exit(1);
  }
  const db = await createDb({ databaseUrl: config.database.url, logger });
  const redis = createRedisClients(config.redis, logger);
  // No sockets here: the filter wrap also skips encoding each broadcast's local copy.
  const io = new Server({ adapter: withEventFilter(clusterAdapter(config.redis, redis), { accepts: () => true }) });
  const emitter = serverEmitter(io, () => redis.flush());
  // ../package.json from src/ (tsx) and from dist/ (the compiled build) alike.
  const { version } = JSON.parse(readFileSync(path.join(__dirname, "../package.json"), "utf8")) as { version: string };
  const metrics = createMetrics({
    nodeId: config.nodeId,
    role: "relay",
    defaultMetrics: true,
    sources: { backlog: () => outboxBacklog(db.prisma) },
    build: { version, commit: config.build.commit },
  });
  const metricsServer = config.metricsPort === undefined ? undefined : createMetricsServer(metrics);
  if (metricsServer !== undefined) {
    const address = await metricsServer.listen(config.metricsPort ?? 0, config.host);
    logger.info({ port: address.port }, "relay metrics at /metrics");
  }

  const workers = new AbortController();
  const running = [
    createRelay({ outbox: createRelayOutbox(db), emitter, logger, hooks: metrics.relayHooks }, { ...config.relay, memberId: relayMemberId(config.nodeId) }).run(workers.signal),
    createRetentionWorker({ db, logger }, { retentionMs: config.relay.retentionMs, maxPerStream: config.relay.retentionMaxPerStream }).run(
      workers.signal,
    ),
  ];

  const stop = (signal: string) => {
    if (workers.signal.aborted) return;
    logger.info({ signal }, "stopping");
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    workers.abort();
    Promise.allSettled(running)
      .then(async () => {
        // Server.close() assumes an HTTP server; this one has none, so close the adapter only.
        await metricsServer?.close();
        await io.of("/").adapter.close();
        await redis.close();
        await db.close();
        process.exit(0);
      })
      .catch(() => process.exit(1));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  // A ConfigError's message names every bad key; anything else needs its stack.
  const detail = error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`roomcast relay failed to start: ${detail}\n`);
  process.exit(1);
});
