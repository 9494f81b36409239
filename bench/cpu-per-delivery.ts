/**
 * Deliveries per server CPU-second at the same delivery rate, Roomcast against plain
 * Socket.IO with the same sharded Redis adapter, in the same run.
 *
 *   npm run bench:cpu -- [--clients 1000] [--rate 200] [--streams 10] [--seconds 20] [--profile DIR]
 *
 * `clients` sockets (half on each of 2 nodes) each subscribe to one of `streams` streams
 * (client i → stream i mod streams), so each event reaches clients / streams sockets.
 * - Roomcast: 2 gateway processes + 1 relay process (scripts/cluster, Admin UI off); this
 *   process commits outbox rows (publishMany, one transaction per 10 ms tick) at `rate`
 *   events/s. Server CPU = gateways + relay + Redis.
 * - Plain: 2 plain Socket.IO processes (plain-socketio-server.ts) + 1 plain emitter process
 *   (plain-emitter.ts) emitting the same envelope-shaped events, one room each, at the same
 *   rate. Server CPU = servers + emitter + Redis.
 * Each side has a redis-server of its own, so Redis's CPU is this run's. CPU is utime +
 * stime from /proc/<pid>/stat, sampled after `warmup` s and again `seconds` later; the
 * deliveries are the events the clients (in this process, not counted) received in
 * between. PostgreSQL's CPU is reported beside it, not in the ratio: the backends of the
 * run's database (pg_stat_activity, at the start and the end of the window; the producer's
 * commits included), so other users of the machine's PostgreSQL are not counted.
 * With `--profile DIR` (a separate run: profiling slows what it measures) every Roomcast
 * process runs with `--inspect=127.0.0.1:0`; gateway-1 and relay-1 are CPU-profiled over
 * the measured window (bench/inspector.ts), the profiles written to DIR and summarized
 * after the table (cpu-profile-summary.ts).
 */
import { createDb, publishMany, type OutboxEventInput } from "@roomcast/db";
import { createTestDatabase } from "@roomcast/db/testing";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import jwt from "jsonwebtoken";
import type { Socket } from "socket.io-client";
import { startCluster } from "../scripts/cluster/start-cluster";
import { summarizeProfile } from "./cpu-profile-summary";
import { startProfile } from "./inspector";
import { cpuDelta, cpuOf, monotonicMs, sleep, spawnPlainEmitter, spawnPlainServer, startRedis, type CpuSample } from "./processes";
import { arg, atRate, connect, runBench } from "./support";

const CLIENTS = arg("clients", 1000);
const RATE = arg("rate", 200);
const STREAMS = arg("streams", 10);
const SECONDS = arg("seconds", 20);
const WARMUP = arg("warmup", 3);
const TICK_MS = 10;
const PROFILE_DIR = process.argv.includes("--profile") ? process.argv[process.argv.indexOf("--profile") + 1] : undefined;
const TENANT = "bench";
const log = (message: string) => process.stderr.write(`${message}\n`);

interface Result {
  profiles?: string[];
  deliveries: number;
  serverCpu: number;
  parts: Record<string, number>;
  postgresCpu: number;
  seconds: number;
}

/** Connects `CLIENTS` sockets to `urls` in turn, `subscribe`s each to its stream, counts receptions. */
async function clients(urls: readonly string[], open: (url: string, index: number) => Promise<Socket>): Promise<{ sockets: Socket[]; received: () => number }> {
  let received = 0;
  const sockets: Socket[] = [];
  const concurrency = 50;
  for (let start = 0; start < CLIENTS; start += concurrency) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(concurrency, CLIENTS - start) }, (_, k) => open(urls[(start + k) % urls.length]!, start + k)),
    );
    for (const socket of batch) {
      socket.on("event", () => received++);
      sockets.push(socket);
    }
  }
  return { sockets, received: () => received };
}

/** Samples CPU of `pids()` and the deliveries over the measured window of a run started now. */
async function measure(
  pids: () => Record<string, number[]>,
  received: () => number,
  postgres: () => Promise<number[]>,
  profile?: () => Promise<() => Promise<string[]>>,
): Promise<Result> {
  await sleep(WARMUP * 1000);
  const stopProfiles = await profile?.();
  const groups = pids();
  const all = Object.values(groups).flat();
  const pgFirst = await postgres();
  const before: CpuSample = cpuOf(all);
  const pgBefore = cpuOf(pgFirst);
  const deliveredBefore = received();
  const t0 = monotonicMs();
  await sleep(SECONDS * 1000);
  const after = cpuOf(all);
  const profiles = await stopProfiles?.();
  // A backend that ended in the window is missed; one that started in it counts whole.
  const pgAfter = cpuOf([...new Set([...pgFirst, ...(await postgres())])]);
  const deliveries = received() - deliveredBefore;
  const seconds = (monotonicMs() - t0) / 1000;
  const parts: Record<string, number> = {};
  for (const [name, list] of Object.entries(groups)) {
    const pick = (s: CpuSample) => new Map([...s].filter(([pid]) => list.includes(pid)));
    parts[name] = cpuDelta(pick(before), pick(after));
  }
  return { deliveries, serverCpu: cpuDelta(before, after), parts, postgresCpu: cpuDelta(pgBefore, pgAfter), seconds, ...(profiles === undefined ? {} : { profiles }) };
}

async function plain(): Promise<Result> {
  const redis = await startRedis();
  const prefix = `bench-plain-${randomBytes(4).toString("hex")}`;
  const started: Array<{ stop(): Promise<void> }> = [redis];
  let sockets: Socket[] = [];
  try {
    const servers = [await spawnPlainServer({ redisUrl: redis.url, prefix }), await spawnPlainServer({ redisUrl: redis.url, prefix })];
    started.push(...servers);
    const emitter = await spawnPlainEmitter({ redisUrl: redis.url, prefix });
    started.push(emitter);
    const joined = await clients(
      servers.map((s) => s.url),
      async (url, i) => {
        const socket = await connect(url);
        await socket.timeout(10_000).emitWithAck("join", `${TENANT}:chat:s${i % STREAMS}`);
        return socket;
      },
    );
    sockets = joined.sockets;
    log(`plain: ${sockets.length} clients joined; emitting ${RATE}/s for ${WARMUP + SECONDS} s`);
    const running = emitter.run({ rate: RATE, seconds: WARMUP + SECONDS + 1, streams: STREAMS, tenant: TENANT, tickMs: TICK_MS });
    const result = await measure(
      () => ({ servers: servers.map((s) => s.pid), emitter: [emitter.pid], redis: [redis.pid] }),
      joined.received,
      () => Promise.resolve([]),
    );
    await running;
    return result;
  } finally {
    for (const s of sockets) s.disconnect();
    for (const s of started.reverse()) await s.stop();
  }
}

async function roomcast(): Promise<Result> {
  const redis = await startRedis();
  const database = await createTestDatabase();
  const secret = randomBytes(24).toString("hex");
  let sockets: Socket[] = [];
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
      env: {
        ROOMCAST_JWT_SECRET: secret,
        ROOMCAST_ADMIN_UI: "off",
        ROOMCAST_MAX_CONNECTIONS_PER_IP: String(CLIENTS + 100),
        ROOMCAST_TENANT_MAX_CONNECTIONS: String(CLIENTS + 100),
        ROOMCAST_TENANT_EVENTS_PER_SECOND: "100000",
        ...(PROFILE_DIR === undefined ? {} : { NODE_OPTIONS: "--inspect=127.0.0.1:0" }),
      },
    });
    const db = await createDb({ databaseUrl: database.url });
    try {
      const token = jwt.sign({ tid: TENANT, role: "agent" }, secret, { subject: "bench", expiresIn: 3600 });
      const joined = await clients(
        cluster.gateways.map((g) => g.url),
        async (url, i) => {
          const socket = await connect(url, { auth: { token } });
          const ack = (await socket.timeout(10_000).emitWithAck("subscribe", { channel: "chat", topic: `s${i % STREAMS}` })) as { ok: boolean };
          if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
          return socket;
        },
      );
      sockets = joined.sockets;
      log(`roomcast: ${sockets.length} clients subscribed; committing ${RATE}/s for ${WARMUP + SECONDS} s`);
      const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
      let n = 0;
      const producing = atRate(WARMUP + SECONDS + 1, TICK_MS, async () => {
        const batch: OutboxEventInput[] = Array.from({ length: perTick }, () => ({
          tenant: TENANT,
          channel: "chat",
          topic: `s${n % STREAMS}`,
          type: "tick",
          data: { n: n++, at: monotonicMs() },
          source: "bench",
        }));
        await db.prisma.$transaction((tx) => publishMany(tx, batch));
      });
      const result = await measure(
        () => ({ gateways: cluster.gateways.map((g) => g.pid!), relay: cluster.relays.map((r) => r.pid!), redis: [redis.pid] }),
        joined.received,
        async () => (await db.prisma.$queryRaw<Array<{ pid: number }>>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`).map((r) => Number(r.pid)),
        PROFILE_DIR === undefined ? undefined : () => profileProcesses(cluster.dir, ["gateway-1", "relay-1"], PROFILE_DIR),
      );
      await producing;
      return result;
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

/** Starts a CPU profile in each named cluster process (its inspector's port is in its log); the returned function stops and writes them. */
async function profileProcesses(clusterDir: string, names: readonly string[], dir: string): Promise<() => Promise<string[]>> {
  const started = await Promise.all(
    names.map(async (name) => {
      const logged = readFileSync(path.join(clusterDir, "logs", `${name}.log`), "utf8");
      const port = Number(/Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(logged)?.[1]);
      if (!Number.isInteger(port)) throw new Error(`no inspector port in ${name}'s log`);
      return { name, profiler: await startProfile(port) };
    }),
  );
  return async () => {
    mkdirSync(dir, { recursive: true });
    return Promise.all(
      started.map(async ({ name, profiler }) => {
        const file = path.join(dir, `${name}-delivery-${Date.now()}.cpuprofile`);
        writeFileSync(file, JSON.stringify(await profiler.stop()));
        return file;
      }),
    );
  };
}

function row(name: string, r: Result): string {
  const perCpu = r.deliveries / r.serverCpu;
  const parts = Object.entries(r.parts)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(", ");
  return `| ${name} | ${Math.round(r.deliveries / r.seconds)} | ${r.serverCpu.toFixed(2)} (${parts}) | ${Math.round(perCpu)} | ${r.postgresCpu.toFixed(2)} | ${Math.round(r.deliveries / (r.serverCpu + r.postgresCpu))} |`;
}

async function main(): Promise<void> {
  const baseline = await plain();
  const ours = await roomcast();
  const ratio = ours.deliveries / ours.serverCpu / (baseline.deliveries / baseline.serverCpu);
  const ratioPg = ours.deliveries / (ours.serverCpu + ours.postgresCpu) / (baseline.deliveries / (baseline.serverCpu + baseline.postgresCpu));
  process.stdout.write(
    [
      `${CLIENTS} clients on 2 nodes, ${STREAMS} streams (${CLIENTS / STREAMS} subscribers each), ${RATE} events/s, ${SECONDS} s measured after ${WARMUP} s`,
      "| system | deliveries/s | server CPU s (parts) | deliveries per server CPU-s | PostgreSQL CPU s (run's database) | deliveries per CPU-s with PostgreSQL |",
      "| --- | --- | --- | --- | --- | --- |",
      row("plain Socket.IO + sharded Redis adapter", baseline),
      row("Roomcast (2 gateways + relay)", ours),
      "",
      `ratio Roomcast / plain: ${ratio.toFixed(2)}× (server CPU), ${ratioPg.toFixed(2)}× (with PostgreSQL)`,
      "",
      ...(ours.profiles ?? []).flatMap((file) => [`CPU profile of the measured window: ${file}`, "", summarizeProfile(file, { top: 15 }), ""]),
    ].join("\n"),
  );
}

runBench(main);
