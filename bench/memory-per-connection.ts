/**
 * Memory per idle connection subscribed to 2 streams, Roomcast against a plain Socket.IO
 * server whose sockets join the same 2 rooms, in the same run.
 *
 *   npm run bench:memory -- [--clients 5000] [--admin-ui off|on] [--heap-snapshot DIR]
 *
 * One server process under test, the same sharded Redis adapter (dynamic mode) on a
 * redis-server of the run's own. Client i (in this process, websocket) holds its own token
 * (subject u<i>, role agent) and subscribes to `notifications:u<i>` (its own stream) and
 * `analytics` (shared by all); the plain client joins the rooms of the same names.
 * - Roomcast: 1 gateway process (scripts/cluster, no relay; ROOMCAST_MAX_CONNECTIONS_PER_IP
 *   and ROOMCAST_TENANT_MAX_CONNECTIONS raised: every client comes from 127.0.0.1).
 * - Plain: plain-socketio-server.ts.
 * Both server processes run with `--inspect` on a loopback port: after a full GC
 * (bench/inspector.ts) the server's own `process.memoryUsage()` gives RSS and V8 heap
 * used, after 20 warm-up clients came and went, and again after every client is subscribed
 * and the server has been idle `idle` s (median of 3 samples 1 s apart). Per connection =
 * growth / clients. With `--heap-snapshot DIR` each server's heap is also written to
 * DIR/<side>-before|after-<time>.heapsnapshot (Chrome DevTools opens them) and what grew
 * per connection, by kind of object, is printed after the table (heap-snapshot-summary.ts).
 */
import { createTestDatabase } from "@roomcast/db/testing";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import jwt from "jsonwebtoken";
import type { Socket } from "socket.io-client";
import { startCluster } from "../scripts/cluster/start-cluster";
import { freePort } from "../scripts/cluster/free-port";
import { summarizeHeapGrowth } from "./heap-snapshot-summary";
import { measureAfterGc, takeHeapSnapshot } from "./inspector";
import { sleep, spawnPlainServer, startRedis } from "./processes";
import { arg, connect, runBench } from "./support";

const CLIENTS = arg("clients", 5000);
const IDLE = arg("idle", 5);
const option = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
const ADMIN_UI = option("admin-ui") === "on" ? "on" : "off";
const SNAPSHOT_DIR = option("heap-snapshot");
const TENANT = "bench";
const WARMUP_CLIENTS = 20;
const log = (message: string) => process.stderr.write(`${message}\n`);

interface Memory {
  rss: number;
  heap: number;
}

interface Result {
  before: Memory;
  after: Memory;
  snapshots?: { before: string; after: string };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function sampled(read: () => Promise<Memory>): Promise<Memory> {
  const samples: Memory[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(1000);
    samples.push(await read());
  }
  return { rss: median(samples.map((s) => s.rss)), heap: median(samples.map((s) => s.heap)) };
}

/** Opens `count` clients (50 at a time) with `open(i)`, each subscribed to its 2 streams. */
async function openAll(count: number, offset: number, open: (i: number) => Promise<Socket>): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let start = 0; start < count; start += 50) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, k) => open(offset + start + k)))));
  }
  return sockets;
}

async function measureServer(side: string, inspect: number, open: (i: number) => Promise<Socket>): Promise<Result> {
  const read = async (): Promise<Memory> => {
    const usage = await measureAfterGc(inspect);
    return { rss: usage.rss, heap: usage.heapUsed };
  };
  const warm = await openAll(WARMUP_CLIENTS, CLIENTS, open);
  for (const s of warm) s.disconnect();
  await sleep(2000);
  const before = await sampled(read);
  const snapshot = async (when: string) => {
    if (SNAPSHOT_DIR === undefined) return "";
    mkdirSync(SNAPSHOT_DIR, { recursive: true });
    const file = path.join(SNAPSHOT_DIR, `${side}-${when}-${Date.now()}.heapsnapshot`);
    await takeHeapSnapshot(inspect, file);
    return file;
  };
  const snapshotBefore = await snapshot("before");
  const sockets = await openAll(CLIENTS, 0, open);
  try {
    log(`  ${sockets.length} clients subscribed; idle ${IDLE} s`);
    await sleep(IDLE * 1000);
    const after = await sampled(read);
    if (SNAPSHOT_DIR === undefined) return { before, after };
    return { before, after, snapshots: { before: snapshotBefore, after: await snapshot("after") } };
  } finally {
    for (const s of sockets) s.disconnect();
  }
}

async function plain(): Promise<Result> {
  const redis = await startRedis();
  try {
    const inspect = await freePort();
    const server = await spawnPlainServer({ redisUrl: redis.url, prefix: `bench-plain-${randomBytes(4).toString("hex")}`, env: { NODE_OPTIONS: `--inspect=127.0.0.1:${inspect}` } });
    try {
      log("plain: connecting");
      return await measureServer("plain", inspect, async (i) => {
        const socket = await connect(server.url);
        await socket.timeout(10_000).emitWithAck("join", [`${TENANT}:notifications:u${i}`, `${TENANT}:analytics`]);
        return socket;
      });
    } finally {
      await server.stop();
    }
  } finally {
    await redis.stop();
  }
}

async function roomcast(): Promise<Result> {
  const redis = await startRedis();
  const database = await createTestDatabase();
  const secret = randomBytes(24).toString("hex");
  const inspect = await freePort();
  try {
    const cluster = await startCluster({
      nodes: 1,
      relays: 0,
      databaseUrl: database.url,
      redisUrl: redis.url,
      createDatabase: false,
      migrate: false,
      prefix: `bench-${randomBytes(4).toString("hex")}`,
      logLevel: "warn",
      env: {
        ROOMCAST_JWT_SECRET: secret,
        ROOMCAST_ADMIN_UI: ADMIN_UI === "on" ? "on" : "off",
        ROOMCAST_MAX_CONNECTIONS_PER_IP: String(CLIENTS + 100),
        ROOMCAST_TENANT_MAX_CONNECTIONS: String(CLIENTS + 100),
        ROOMCAST_TENANT_EVENTS_PER_SECOND: "1000000",
        NODE_OPTIONS: `--inspect=127.0.0.1:${inspect}`,
      },
    });
    try {
      const gateway = cluster.gateways[0]!;
      const tokens = Array.from({ length: CLIENTS + WARMUP_CLIENTS }, (_, i) => jwt.sign({ tid: TENANT, role: "agent" }, secret, { subject: `u${i}`, expiresIn: 3600 }));
      log("roomcast: connecting");
      return await measureServer("roomcast", inspect, async (i) => {
        const socket = await connect(gateway.url, { auth: { token: tokens[i] } });
        for (const target of [{ channel: "notifications", topic: `u${i}` }, { channel: "analytics" }]) {
          const ack = (await socket.timeout(10_000).emitWithAck("subscribe", target)) as { ok: boolean };
          if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
        }
        return socket;
      });
    } finally {
      await cluster.stop();
    }
  } finally {
    await database.drop();
    await redis.stop();
  }
}

function row(name: string, r: Result): string {
  const kib = (bytes: number) => (bytes / 1024).toFixed(1);
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  return `| ${name} | ${mib(r.before.rss)} → ${mib(r.after.rss)} | ${kib((r.after.rss - r.before.rss) / CLIENTS)} | ${mib(r.before.heap)} → ${mib(r.after.heap)} | ${kib((r.after.heap - r.before.heap) / CLIENTS)} |`;
}

async function main(): Promise<void> {
  const baseline = await plain();
  const ours = await roomcast();
  const ratio = (pick: (m: Memory) => number) => ((pick(ours.after) - pick(ours.before)) / (pick(baseline.after) - pick(baseline.before))).toFixed(2);
  process.stdout.write(
    [
      `${CLIENTS} idle websocket clients on one server, each subscribed to 2 streams (its own and a shared one); Roomcast Admin UI ${ADMIN_UI}`,
      "| system | RSS MiB (before → after) | RSS KiB per connection | heap used MiB (before → after) | heap KiB per connection |",
      "| --- | --- | --- | --- | --- |",
      row("plain Socket.IO + sharded Redis adapter, 2 rooms", baseline),
      row("Roomcast gateway, 2 subscriptions", ours),
      "",
      `ratio Roomcast / plain: ${ratio((m) => m.rss)}× (RSS), ${ratio((m) => m.heap)}× (heap)`,
      "",
      ...[baseline, ours].flatMap((r) =>
        r.snapshots === undefined ? [] : [`heap growth ${r.snapshots.before} → ${r.snapshots.after}:`, "", summarizeHeapGrowth(r.snapshots.before, r.snapshots.after, CLIENTS), ""],
      ),
    ].join("\n"),
  );
}

runBench(main);
