/**
 * Relay throughput: how fast one relay process drains a backlog of committed events into
 * rooms through Redis, against plain Socket.IO broadcasting the same number of events
 * through the same adapter in the same run.
 *
 *   npm run bench:relay -- [--events 50000] [--streams 20]
 *
 * Roomcast: a per-run database is filled with `events` committed outbox rows over
 * `streams` streams, then one relay process starts (scripts/cluster, one gateway, no
 * subscribers); the figure is events / (time from the relay's start until every stream's
 * published position reaches its last offset). Baseline: a Socket.IO server with the
 * sharded Redis adapter in this process broadcasts as many events to rooms, then waits
 * for Redis to answer a PING (the same "it has left the process" barrier the relay uses).
 */
import { clusterAdapter, createRedisClients } from "@roomcast/cluster";
import { loadConfig } from "@roomcast/config";
import { createDb, publishMany } from "@roomcast/db";
import { createTestDatabase } from "@roomcast/db/testing";
import { randomBytes } from "node:crypto";
import pino from "pino";
import { Server } from "socket.io";
import { startCluster } from "../scripts/cluster/start-cluster";
import { arg, runBench } from "./support";

const EVENTS = arg("events", 50_000);
const STREAMS = arg("streams", 20);
const log = (message: string) => process.stderr.write(`${message}\n`);

async function roomcast(): Promise<{ seconds: number; perSecond: number; drainSeconds: number; drainPerSecond: number }> {
  const database = await createTestDatabase();
  const db = await createDb({ databaseUrl: database.url });
  try {
    for (let start = 0; start < EVENTS; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, EVENTS - start) }, (_, i) => ({
        tenant: "bench",
        channel: "chat" as const,
        topic: `s${(start + i) % STREAMS}`,
        type: "tick",
        data: { n: start + i, pad: "x".repeat(100) },
        source: "bench",
      }));
      await db.prisma.$transaction((tx) => publishMany(tx, batch));
    }
    log(`roomcast: ${EVENTS} events committed; starting the relay`);
    let relayStartedAt = 0;
    const cluster = await startCluster({
      nodes: 1,
      relays: 1,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `bench-${randomBytes(4).toString("hex")}`,
      logLevel: "warn",
      env: { ROOMCAST_JWT_SECRET: randomBytes(24).toString("hex"), ROOMCAST_ADMIN_UI: "off" },
      onEvent: (event) => {
        if (event.kind === "spawned" && event.name.startsWith("relay") && relayStartedAt === 0) relayStartedAt = performance.now();
      },
    });
    let firstProgressAt = 0;
    try {
      for (;;) {
        const [row] = await db.prisma.$queryRaw<Array<{ done: bigint }>>`SELECT COALESCE(sum(published_offset), 0)::bigint AS done FROM stream_cursors`;
        const done = Number(row?.done ?? 0);
        if (done > 0 && firstProgressAt === 0) firstProgressAt = performance.now();
        if (done >= EVENTS) break;
        if (performance.now() - relayStartedAt > 300_000) throw new Error("relay did not drain the backlog in 5 minutes");
        await new Promise((r) => setTimeout(r, 20));
      }
      const now = performance.now();
      const seconds = (now - relayStartedAt) / 1000;
      // From the first marked round: the steady rate without the process's start-up.
      const drainSeconds = (now - firstProgressAt) / 1000;
      return { seconds, perSecond: Math.round(EVENTS / seconds), drainSeconds, drainPerSecond: Math.round(EVENTS / drainSeconds) };
    } finally {
      await cluster.stop();
    }
  } finally {
    await db.close();
    await database.drop();
  }
}

async function plain(): Promise<{ seconds: number; perSecond: number }> {
  const { config } = loadConfig({ REDIS_URL: "redis://127.0.0.1:6379", ROOMCAST_REDIS_PREFIX: `bench-plain-${randomBytes(4).toString("hex")}`, ROOMCAST_ADMIN_UI: "off" });
  const redis = createRedisClients(config.redis!, pino({ level: "silent" }));
  const io = new Server({ adapter: clusterAdapter(config.redis!, redis) });
  try {
    const payload = { pad: "x".repeat(100) };
    const started = performance.now();
    for (let n = 0; n < EVENTS; n++) io.to(`bench:chat:s${n % STREAMS}`).emit("event", { n, ...payload });
    await redis.pub.ping();
    const seconds = (performance.now() - started) / 1000;
    return { seconds, perSecond: Math.round(EVENTS / seconds) };
  } finally {
    await io.of("/").adapter.close();
    await redis.close();
  }
}

async function main(): Promise<void> {
  const baseline = await plain();
  const ours = await roomcast();
  process.stdout.write(
    [
      `${EVENTS} events over ${STREAMS} streams, one relay process, sharded Redis adapter`,
      "| system | seconds | events/s |",
      "| --- | --- | --- |",
      `| plain Socket.IO broadcast loop (no database) | ${baseline.seconds.toFixed(2)} | ${baseline.perSecond} |`,
      `| Roomcast relay, from process start (outbox → rooms, marked published) | ${ours.seconds.toFixed(2)} | ${ours.perSecond} |`,
      `| Roomcast relay, from its first committed round | ${ours.drainSeconds.toFixed(2)} | ${ours.drainPerSecond} |`,
      "",
    ].join("\n"),
  );
}

runBench(main);
