/**
 * Commit-to-client latency at a steady publish rate, Roomcast against plain Socket.IO in
 * the same run.
 *
 *   npm run bench:latency -- [--rate 1000] [--seconds 20] [--clients 10] [--streams 10]
 *
 * `clients` sockets per node on 2 nodes subscribe to every one of `streams` streams, so
 * each event reaches 2 × `clients` sockets (in this process). Each side has a redis-server
 * of its own.
 * Roomcast: 2 gateway processes + 1 relay process (scripts/cluster, Admin UI off), a
 * per-run database. This process commits outbox rows (publishMany in a transaction, every
 * 10 ms) at `rate` events/s over the streams. Latency = the client receives the event −
 * the commit returned.
 * Baseline: 2 plain Socket.IO processes with the same sharded Redis adapter (dynamic) and a
 * plain emitter process (plain-emitter.ts) emitting the same envelope-shaped events at the
 * same rate, each to its stream's room alone, as the relay does. Latency = the client
 * receives the event − the emitter emitted it (process.hrtime, one clock for every process).
 * Everything runs on loopback and stops by itself; the first 2 s are warm-up.
 */
import { createDb, publishMany, type OutboxEventInput } from "@roomcast/db";
import { createTestDatabase } from "@roomcast/db/testing";
import { randomBytes } from "node:crypto";
import jwt from "jsonwebtoken";
import type { Socket } from "socket.io-client";
import { startCluster } from "../scripts/cluster/start-cluster";
import { monotonicMs, spawnPlainEmitter, spawnPlainServer, startRedis } from "./processes";
import { arg, atRate, connect, runBench, summarize, type LatencySummary } from "./support";

const RATE = arg("rate", 1000);
const SECONDS = arg("seconds", 20);
const CLIENTS = arg("clients", 10);
const STREAMS = arg("streams", 10);
const TICK_MS = 10;
const WARMUP_MS = 2000;
const SECRET = randomBytes(24).toString("hex");
const log = (message: string) => process.stderr.write(`${message}\n`);

async function roomcast(): Promise<LatencySummary & { delivered: number; expected: number }> {
  const redis = await startRedis();
  const database = await createTestDatabase();
  try {
    const cluster = await startCluster({
      nodes: 2,
      relays: 1,
      databaseUrl: database.url,
      redisUrl: redis.url,
      createDatabase: false,
      migrate: false,
      prefix: `bench-${randomBytes(4).toString("hex")}`,
      logLevel: "warn",
      env: { ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_RATE_LIMIT_EVENTS: "100000", ROOMCAST_ADMIN_UI: "off" },
    });
    const db = await createDb({ databaseUrl: database.url });
    const sockets: Socket[] = [];
    try {
      const token = jwt.sign({ tid: "bench", role: "agent" }, SECRET, { subject: "bench", expiresIn: 3600 });
      const received = new Map<string, number[]>();
      let delivered = 0;
      for (const gateway of cluster.gateways) {
        for (let c = 0; c < CLIENTS; c++) {
          const socket = await connect(gateway.url, { auth: { token } });
          socket.on("event", (e: { id: string }) => {
            delivered++;
            const list = received.get(e.id) ?? [];
            list.push(performance.now());
            received.set(e.id, list);
          });
          for (let s = 0; s < STREAMS; s++) {
            const ack = (await socket.timeout(10_000).emitWithAck("subscribe", { channel: "chat", topic: `s${s}` })) as { ok: boolean };
            if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
          }
          sockets.push(socket);
        }
      }
      log(`roomcast: ${sockets.length} clients subscribed to ${STREAMS} streams; publishing ${RATE}/s for ${SECONDS}s`);
      const committed = new Map<string, number>();
      const perTick = Math.round((RATE * TICK_MS) / 1000);
      const start = performance.now();
      let n = 0;
      await atRate(SECONDS, TICK_MS, async () => {
        const batch: OutboxEventInput[] = Array.from({ length: perTick }, () => ({
          tenant: "bench",
          channel: "chat",
          topic: `s${n % STREAMS}`,
          type: "tick",
          data: { n: n++, at: monotonicMs() },
          source: "bench",
        }));
        const published = await db.prisma.$transaction((tx) => publishMany(tx, batch));
        const at = performance.now();
        for (const p of published) committed.set(p.id, at);
      });
      const expected = committed.size * sockets.length;
      const deadline = performance.now() + 30_000;
      while (delivered < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const samples: number[] = [];
      for (const [id, at] of committed) {
        if (at - start < WARMUP_MS) continue;
        for (const t of received.get(id) ?? []) samples.push(t - at);
      }
      return { ...summarize(samples), delivered, expected };
    } finally {
      for (const s of sockets) s.disconnect();
      await db.close();
      await cluster.stop();
    }
  } finally {
    await database.drop();
    await redis.stop();
  }
}

async function plain(): Promise<LatencySummary & { delivered: number; expected: number }> {
  const redis = await startRedis();
  const prefix = `bench-plain-${randomBytes(4).toString("hex")}`;
  const started: Array<{ stop(): Promise<void> }> = [redis];
  const sockets: Socket[] = [];
  try {
    const servers = [await spawnPlainServer({ redisUrl: redis.url, prefix }), await spawnPlainServer({ redisUrl: redis.url, prefix })];
    started.push(...servers);
    const emitter = await spawnPlainEmitter({ redisUrl: redis.url, prefix });
    started.push(emitter);
    // Latency is taken at reception: data.at is the emit time on the shared monotonic clock.
    const samples: number[] = [];
    let delivered = 0;
    let warmUntil = Number.POSITIVE_INFINITY;
    for (const server of servers) {
      for (let c = 0; c < CLIENTS; c++) {
        const socket = await connect(server.url);
        socket.on("event", (e: { data: { at: number } }) => {
          delivered++;
          if (e.data.at >= warmUntil) samples.push(monotonicMs() - e.data.at);
        });
        await socket.timeout(10_000).emitWithAck(
          "join",
          Array.from({ length: STREAMS }, (_, s) => `bench:chat:s${s}`),
        );
        sockets.push(socket);
      }
    }
    log(`plain socket.io: ${sockets.length} clients joined ${STREAMS} rooms; the emitter process emits ${RATE}/s for ${SECONDS}s`);
    warmUntil = monotonicMs() + WARMUP_MS;
    const emitted = await emitter.run({ rate: RATE, seconds: SECONDS, streams: STREAMS, tenant: "bench", tickMs: TICK_MS });
    const expected = emitted * sockets.length;
    const deadline = performance.now() + 30_000;
    while (delivered < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return { ...summarize(samples), delivered, expected };
  } finally {
    for (const s of sockets) s.disconnect();
    for (const s of started.reverse()) await s.stop();
  }
}

async function main(): Promise<void> {
  const baseline = await plain();
  const ours = await roomcast();
  const row = (name: string, r: LatencySummary & { delivered: number; expected: number }) =>
    `| ${name} | ${RATE}/s | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} | ${r.delivered}/${r.expected} |`;
  process.stdout.write(
    [
      `rate ${RATE}/s, ${SECONDS}s, ${CLIENTS} clients per node on 2 nodes, ${STREAMS} streams, latency in ms (first ${WARMUP_MS / 1000}s excluded)`,
      "| system | rate | p50 | p95 | p99 | max | deliveries |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      row("plain Socket.IO + Redis adapter (emit → client)", baseline),
      row("Roomcast (commit → relay → client)", ours),
      "",
    ].join("\n"),
  );
}

runBench(main);
