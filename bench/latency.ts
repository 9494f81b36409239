/**
 * Commit-to-client latency at a steady publish rate, Roomcast against plain Socket.IO in
 * the same run.
 *
 *   npm run bench:latency -- [--rate 1000] [--seconds 20] [--clients 10] [--streams 10]
 *
 * Roomcast: 2 gateway processes + 1 relay process (scripts/cluster), a per-run database
 * and Redis prefix. This process commits outbox rows (publishMany in a transaction) at
 * `rate` events/s over `streams` streams; `clients` sockets per gateway subscribe to every
 * stream. Latency = time the client receives the event − time the commit returned.
 * Baseline: 2 plain Socket.IO processes with the same sharded Redis adapter; a publisher
 * socket sends the same events to node A, which broadcasts them; latency = receive − send.
 * Everything runs on loopback and stops by itself; the first 2 s are warm-up.
 */
import { createDb, publishMany, type OutboxEventInput } from "@roomcast/db";
import { createTestDatabase } from "@roomcast/db/testing";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import jwt from "jsonwebtoken";
import type { Socket } from "socket.io-client";
import { startCluster } from "../scripts/cluster/start-cluster";
import { freePort } from "../scripts/cluster/free-port";
import { arg, atRate, connect, summarize, type LatencySummary } from "./support";

const RATE = arg("rate", 1000);
const SECONDS = arg("seconds", 20);
const CLIENTS = arg("clients", 10);
const STREAMS = arg("streams", 10);
const TICK_MS = 10;
const WARMUP_MS = 2000;
const SECRET = randomBytes(24).toString("hex");
const log = (message: string) => process.stderr.write(`${message}\n`);

async function roomcast(): Promise<LatencySummary & { delivered: number; expected: number }> {
  const database = await createTestDatabase();
  const prefix = `bench-${randomBytes(4).toString("hex")}`;
  const cluster = await startCluster({
    nodes: 2,
    relays: 1,
    databaseUrl: database.url,
    createDatabase: false,
    migrate: false,
    prefix,
    logLevel: "warn",
    env: { ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_RATE_LIMIT_EVENTS: "100000", ROOMCAST_ADMIN_UI: "off" },
  });
  const db = await createDb({ databaseUrl: database.url });
  const sockets: Socket[] = [];
  try {
    const token = jwt.sign({ tid: "bench", role: "agent" }, SECRET, { subject: "bench", expiresIn: 3600 });
    const received = new Map<string, number[]>();
    for (const gateway of cluster.gateways) {
      for (let c = 0; c < CLIENTS; c++) {
        const socket = await connect(gateway.url, { auth: { token } });
        socket.on("event", (e: { id: string }) => {
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
      const batch: OutboxEventInput[] = Array.from({ length: perTick }, () => ({ tenant: "bench", channel: "chat", topic: `s${n++ % STREAMS}`, type: "tick", data: { n }, source: "bench" }));
      const published = await db.prisma.$transaction((tx) => publishMany(tx, batch));
      const at = performance.now();
      for (const p of published) committed.set(p.id, at);
    });
    const expected = committed.size * sockets.length;
    const deadline = performance.now() + 30_000;
    const count = () => [...received.values()].reduce((sum, l) => sum + l.length, 0);
    while (count() < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const samples: number[] = [];
    for (const [id, at] of committed) {
      if (at - start < WARMUP_MS) continue;
      for (const t of received.get(id) ?? []) samples.push(t - at);
    }
    return { ...summarize(samples), delivered: count(), expected };
  } finally {
    for (const s of sockets) s.disconnect();
    await db.close();
    await cluster.stop();
    await database.drop();
  }
}

async function plain(): Promise<LatencySummary & { delivered: number; expected: number }> {
  const prefix = `bench-plain-${randomBytes(4).toString("hex")}`;
  const ports = [await freePort(), await freePort()];
  const servers = ports.map((port) =>
    spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "plain-socketio-server.ts")], {
      env: { ...process.env, PORT: String(port), PREFIX: prefix },
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  const sockets: Socket[] = [];
  try {
    await Promise.all(servers.map((child) => new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()))));
    const received = new Map<number, number[]>();
    for (const port of ports) {
      for (let c = 0; c < CLIENTS; c++) {
        const socket = await connect(`http://127.0.0.1:${port}`);
        socket.on("event", (e: { n: number }) => {
          const list = received.get(e.n) ?? [];
          list.push(performance.now());
          received.set(e.n, list);
        });
        for (let s = 0; s < STREAMS; s++) await socket.timeout(10_000).emitWithAck("join", `bench:chat:s${s}`);
        sockets.push(socket);
      }
    }
    const publisher = await connect(`http://127.0.0.1:${ports[0]}`);
    sockets.push(publisher);
    log(`plain socket.io: ${sockets.length - 1} clients joined ${STREAMS} rooms; publishing ${RATE}/s for ${SECONDS}s`);
    const sent = new Map<number, number>();
    const perTick = Math.round((RATE * TICK_MS) / 1000);
    const start = performance.now();
    let n = 0;
    await atRate(SECONDS, TICK_MS, async () => {
      for (let i = 0; i < perTick; i++) {
        const at = performance.now();
        sent.set(n, at);
        publisher.emit("pub", `bench:chat:s${n % STREAMS}`, { n, type: "tick" });
        n++;
      }
    });
    const expected = sent.size * (sockets.length - 1);
    const deadline = performance.now() + 30_000;
    const count = () => [...received.values()].reduce((sum, l) => sum + l.length, 0);
    while (count() < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const samples: number[] = [];
    for (const [id, at] of sent) {
      if (at - start < WARMUP_MS) continue;
      for (const t of received.get(id) ?? []) samples.push(t - at);
    }
    return { ...summarize(samples), delivered: count(), expected };
  } finally {
    for (const s of sockets) s.disconnect();
    for (const child of servers) child.kill("SIGTERM");
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

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
