/**
 * Relay scale-out: what one and two relay processes drain, what a relay costs per event
 * against a plain emitter doing the same emits, and whether a round's cost stays flat as
 * the backlog grows.
 *
 *   npm run bench:relay-scale -- [--events 50000] [--streams 256] [--small 10000] [--large 200000]
 *
 * Every scenario commits its backlog first (publishMany, 1,000 events per transaction, in
 * a per-run database), then starts relay processes (apps/relay, sharded Redis adapter, a
 * per-run prefix, no subscribers) and times them from the first committed round until
 * every stream's cursor reaches its last offset. Relay CPU is utime + stime of the relay
 * processes (/proc/<pid>/stat) over that window; PostgreSQL's CPU (every `postgres`
 * process) is reported beside it. Tuples read are pg_stat_user_tables' seq_tup_read +
 * idx_tup_fetch of the run's database over the drain.
 *
 * Baseline, same run: a plain Socket.IO server with the same sharded adapter in this
 * process emits the same number of envelope-shaped events, one room each, in batches of
 * the relay's batch size with a PING after each batch (the relay's flush); its CPU is
 * process.cpuUsage() over the loop.
 */
import { clusterAdapter, createRedisClients } from "@roomcast/cluster";
import { loadConfig } from "@roomcast/config";
import { createDb, publishMany, type Db } from "@roomcast/db";
import { createTestDatabase } from "@roomcast/db/testing";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pino from "pino";
import { Server } from "socket.io";
import { freePorts } from "../scripts/cluster/free-port";
import { arg, runBench } from "./support";

const EVENTS = arg("events", 50_000);
const STREAMS = arg("streams", 256);
const SMALL = arg("small", 10_000);
const LARGE = arg("large", 200_000);
const BATCH = arg("batch", 1000);
const REDIS_URL = "redis://127.0.0.1:6379";
const ROOT = path.resolve(__dirname, "..");
const TICKS_PER_SECOND = 100; // Linux USER_HZ
const log = (message: string) => process.stderr.write(`${message}\n`);

function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, "utf8").trim();
      if (comm === "postgres") total += cpuSecondsOf(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

async function fill(db: Db, count: number): Promise<void> {
  const pad = "x".repeat(100);
  for (let start = 0; start < count; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
      tenant: "bench",
      channel: "chat" as const,
      topic: `s${(start + i) % STREAMS}`,
      type: "tick",
      data: { n: start + i, pad },
      source: "bench",
    }));
    await db.prisma.$transaction((tx) => publishMany(tx, batch));
  }
}

const emittedSoFar = async (db: Db) => Number((await db.prisma.$queryRaw<Array<{ done: bigint }>>`SELECT COALESCE(sum(published_offset), 0)::bigint AS done FROM stream_cursors`)[0]?.done ?? 0);
const tuplesRead = async (db: Db) =>
  Number((await db.prisma.$queryRaw<Array<{ n: bigint }>>`SELECT COALESCE(sum(COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0)), 0)::bigint AS n FROM pg_stat_user_tables`)[0]?.n ?? 0);

interface Drain {
  events: number;
  seconds: number;
  perSecond: number;
  relayCpuMsPerEvent: number;
  postgresCpuMsPerEvent: number;
  tuplesPerEvent: number;
  shares: number[];
}

/** Commits `count` events, starts `relays` relay processes, and times the drain. */
async function drain(count: number, relays: number): Promise<Drain> {
  const database = await createTestDatabase();
  const db = await createDb({ databaseUrl: database.url });
  const prefix = `bench-${randomBytes(4).toString("hex")}`;
  const children: ChildProcess[] = [];
  try {
    await fill(db, count);
    await new Promise((r) => setTimeout(r, 1500)); // let the fill's statistics reach pg_stat
    const ports = await freePorts(relays);
    for (let i = 0; i < relays; i++) {
      children.push(
        spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "apps/relay/src/main.ts")], {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            NODE_ENV: "test",
            NODE_ID: `bench-relay-${i}`,
            LOG_LEVEL: "warn",
            HOST: "127.0.0.1",
            DATABASE_URL: database.url,
            REDIS_URL,
            ROOMCAST_REDIS_PREFIX: prefix,
            ROOMCAST_ADMIN_UI: "off",
            ROOMCAST_RELAY_BATCH_SIZE: String(BATCH),
            ROOMCAST_METRICS_PORT: String(ports[i]),
          },
          stdio: ["ignore", "ignore", "inherit"],
        }),
      );
    }
    let done0 = 0;
    for (;;) {
      done0 = await emittedSoFar(db);
      if (done0 > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const t0 = performance.now();
    const cpu0 = children.map((c) => cpuSecondsOf(c.pid!));
    const pg0 = postgresCpuSeconds();
    const tuples0 = await tuplesRead(db);
    while ((await emittedSoFar(db)) < count) {
      if (performance.now() - t0 > 600_000) throw new Error("the relays did not drain the backlog in 10 minutes");
      await new Promise((r) => setTimeout(r, 10));
    }
    const seconds = (performance.now() - t0) / 1000;
    const relayCpu = children.reduce((sum, c, i) => sum + cpuSecondsOf(c.pid!) - cpu0[i]!, 0);
    const pgCpu = postgresCpuSeconds() - pg0;
    await new Promise((r) => setTimeout(r, 1500)); // the relays' backends flush their statistics when idle
    const tuples = (await tuplesRead(db)) - tuples0;
    const shares: number[] = [];
    for (const port of ports) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const line = text.split("\n").find((l) => l.startsWith("roomcast_relay_events_emitted_total"));
      shares.push(Number(line?.split(" ").at(-1) ?? 0));
    }
    const events = count - done0;
    return {
      events,
      seconds,
      perSecond: Math.round(events / seconds),
      relayCpuMsPerEvent: (relayCpu * 1000) / events,
      postgresCpuMsPerEvent: (pgCpu * 1000) / events,
      tuplesPerEvent: tuples / events,
      shares,
    };
  } finally {
    for (const child of children) child.kill("SIGKILL");
    await db.close();
    await database.drop();
  }
}

/** A plain Socket.IO emitter doing the relay's emits: one room per event, a PING per batch. */
async function plainEmitter(count: number): Promise<{ perSecond: number; cpuMsPerEvent: number }> {
  const { config } = loadConfig({ REDIS_URL, ROOMCAST_REDIS_PREFIX: `bench-plain-${randomBytes(4).toString("hex")}`, ROOMCAST_ADMIN_UI: "off" });
  const redis = createRedisClients(config.redis!, pino({ level: "silent" }));
  const io = new Server({ adapter: clusterAdapter(config.redis!, redis) });
  try {
    const pad = "x".repeat(100);
    const ts = new Date().toISOString();
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    for (let start = 0; start < count; start += BATCH) {
      for (let n = start; n < Math.min(count, start + BATCH); n++) {
        const topic = `s${n % STREAMS}`;
        const stream = `bench:chat:${topic}`;
        io.to(stream).emit("event", { id: randomUUID(), stream, offset: n, channel: "chat", topic, type: "tick", data: { n, pad }, priority: 5, source: "bench", ts });
      }
      await redis.flush();
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { perSecond: Math.round(count / seconds), cpuMsPerEvent: (cpu.user + cpu.system) / 1000 / count };
  } finally {
    await io.of("/").adapter.close();
    await redis.close();
  }
}

const f = (n: number, digits = 3) => n.toFixed(digits);

async function main(): Promise<void> {
  log(`plain emitter: ${EVENTS} events`);
  const plain = await plainEmitter(EVENTS);
  log(`one relay: ${EVENTS} events`);
  const one = await drain(EVENTS, 1);
  log(`two relays: ${EVENTS} events`);
  const two = await drain(EVENTS, 2);
  log(`backlog ${SMALL}`);
  const small = await drain(SMALL, 1);
  log(`backlog ${LARGE}`);
  const large = await drain(LARGE, 1);
  const share = (d: Drain) => d.shares.map((s) => `${Math.round((100 * s) / d.shares.reduce((a, b) => a + b, 0))}%`).join(" / ");
  const usPerEvent = (d: Drain) => (1e6 * d.seconds) / d.events;
  process.stdout.write(
    [
      `Relay scale-out: ${EVENTS} events over ${STREAMS} streams, batch ${BATCH}, sharded Redis adapter, no subscribers`,
      "",
      "| run | events/s | relay CPU ms/event | PostgreSQL CPU ms/event | tuples read/event | share per relay |",
      "| --- | --- | --- | --- | --- | --- |",
      `| plain Socket.IO emitter, same emits | ${plain.perSecond} | ${f(plain.cpuMsPerEvent)} | – | – | – |`,
      `| one relay | ${one.perSecond} | ${f(one.relayCpuMsPerEvent)} | ${f(one.postgresCpuMsPerEvent)} | ${f(one.tuplesPerEvent, 1)} | ${share(one)} |`,
      `| two relays | ${two.perSecond} | ${f(two.relayCpuMsPerEvent)} | ${f(two.postgresCpuMsPerEvent)} | ${f(two.tuplesPerEvent, 1)} | ${share(two)} |`,
      "",
      `relay CPU per event / plain emitter CPU per event: ${f(one.relayCpuMsPerEvent / plain.cpuMsPerEvent, 2)}×; two relays / one relay: ${f(two.perSecond / one.perSecond, 2)}×`,
      "",
      "| backlog | µs per event | events/s | tuples read/event |",
      "| --- | --- | --- | --- |",
      `| ${SMALL} | ${f(usPerEvent(small), 1)} | ${small.perSecond} | ${f(small.tuplesPerEvent, 1)} |`,
      `| ${LARGE} | ${f(usPerEvent(large), 1)} | ${large.perSecond} | ${f(large.tuplesPerEvent, 1)} |`,
      "",
      `time per event at ${LARGE} / at ${SMALL}: ${f(usPerEvent(large) / usPerEvent(small), 2)}×`,
      "",
    ].join("\n"),
  );
}

runBench(main);
