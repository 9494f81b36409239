/**
 * Joining: connect + authenticate + first subscribe ack per second, websocket only,
 * Roomcast against plain Socket.IO connect + join, in the same run.
 *
 *   npm run bench:join -- [--clients 2000] [--concurrency 50] [--admin-ui off|on] [--tenant-quota N] [--profile DIR]
 *
 * One server process under test with the sharded Redis adapter (dynamic) on a redis-server
 * of the run's own; `clients` sockets (in this process) join, `concurrency` at a time, and
 * stay connected until the last one has its ack.
 * - Roomcast: 1 gateway process (scripts/cluster, no relay, a per-run database; per-address
 *   and tenant quotas raised since every client comes from 127.0.0.1; the tenant's connection
 *   quota is 10× the clients by default, so the tenant stays below half of it, the common
 *   case: `--tenant-quota N` measures a tenant near its quota, whose every join reads and
 *   publishes the cluster count, limits/tenant-connections.ts). Client i connects
 *   with its own JWT (`auth.token`, subject u<i>, role agent) and sends
 *   `subscribe({ channel: "chat", topic: "s<i mod 20>" })`; counted at the `ok` ack.
 * - Plain: plain-socketio-server.ts; the client connects and sends `join("bench:chat:s<i mod 20>")`.
 * Rate = clients / (first connect started → last ack); beside it the CPU per join of the
 * server process, its Redis, and PostgreSQL (every postgres process: other users' work
 * included), from /proc/<pid>/stat over the same phase. With `--profile DIR` the gateway
 * runs with `--inspect` and V8's CPU profiler records it during the joining phase
 * (bench/inspector.ts); the profile is written to DIR/gateway-join-<time>.cpuprofile
 * (open it in Chrome DevTools) and its hottest functions and packages are printed after
 * the table (cpu-profile-summary.ts). The profiled run is slower: compare the rates of
 * unprofiled runs.
 */
import { createDb } from "@roomcast/db";
import { createTestDatabase } from "@roomcast/db/testing";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import jwt from "jsonwebtoken";
import type { Socket } from "socket.io-client";
import { freePort } from "../scripts/cluster/free-port";
import { startCluster } from "../scripts/cluster/start-cluster";
import { summarizeProfile } from "./cpu-profile-summary";
import { startProfile } from "./inspector";
import { cpuDelta, cpuOf, monotonicMs, postgresPids, sleep, spawnPlainServer, startRedis } from "./processes";
import { arg, connect, runBench, summarize, type LatencySummary } from "./support";

const CLIENTS = arg("clients", 2000);
const CONCURRENCY = arg("concurrency", 50);
const STREAMS = 20;
const option = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
const ADMIN_UI = option("admin-ui") === "on" ? "on" : "off";
const PROFILE_DIR = option("profile");
const TENANT_QUOTA = arg("tenant-quota", CLIENTS * 10);
const TENANT = "bench";
const log = (message: string) => process.stderr.write(`${message}\n`);

interface Result extends LatencySummary {
  perSecond: number;
  seconds: number;
  /** CPU seconds of the server process and its Redis over the joining phase. */
  serverCpu: number;
  redisCpu: number;
  /** Every postgres process on the machine (other users' work included). */
  postgresCpu: number;
  /** Commands the run's redis-server answered during the phase, by command. */
  redisCommands: Map<string, number>;
  /** Transactions (each statement outside one counts) committed in the run's database. */
  postgresTransactions: number;
}

/** `INFO commandstats` of the run's redis-server: calls by command. */
async function redisCommandCounts(url: string): Promise<Map<string, number>> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const info = await client.info("commandstats");
    return new Map([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
  } finally {
    client.disconnect();
  }
}

interface Counters {
  redisUrl: string;
  /** Committed transactions of the run's database so far (pg_stat_database), if it has one. */
  transactions?: () => Promise<number>;
}

/** Runs `join(i)` for every client, `CONCURRENCY` in flight; the sockets stay open until all joined. */
async function joinAll(pids: { server: number; redis: number }, counters: Counters, join: (i: number) => Promise<Socket>): Promise<Result> {
  const sockets: Socket[] = [];
  const each: number[] = [];
  let nextIndex = 0;
  const commandsBefore = await redisCommandCounts(counters.redisUrl);
  const transactionsBefore = (await counters.transactions?.()) ?? 0;
  const before = { server: cpuOf([pids.server]), redis: cpuOf([pids.redis]), postgres: cpuOf(postgresPids()) };
  const start = monotonicMs();
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextIndex < CLIENTS) {
          const i = nextIndex++;
          const t = monotonicMs();
          sockets.push(await join(i));
          each.push(monotonicMs() - t);
        }
      }),
    );
    const seconds = (monotonicMs() - start) / 1000;
    const serverCpu = cpuDelta(before.server, cpuOf([pids.server]));
    const redisCpu = cpuDelta(before.redis, cpuOf([pids.redis]));
    const postgresCpu = cpuDelta(before.postgres, cpuOf(postgresPids()));
    const redisCommands = new Map<string, number>();
    for (const [command, calls] of await redisCommandCounts(counters.redisUrl)) {
      const grown = calls - (commandsBefore.get(command) ?? 0);
      if (grown > 0) redisCommands.set(command, grown);
    }
    // The two counter reads themselves (INFO, the pg_stat_database query) are not the server's.
    redisCommands.delete("info");
    // PostgreSQL 15 backends flush their statistics at most once a second.
    if (counters.transactions !== undefined) await sleep(1500);
    const postgresTransactions = (await counters.transactions?.()) ?? 0;
    return {
      ...summarize(each),
      perSecond: Math.round(CLIENTS / seconds),
      seconds,
      serverCpu,
      redisCpu,
      postgresCpu,
      redisCommands,
      postgresTransactions: counters.transactions === undefined ? 0 : postgresTransactions - transactionsBefore - 1,
    };
  } finally {
    for (const s of sockets) s.disconnect();
  }
}

async function plain(): Promise<Result> {
  const redis = await startRedis();
  try {
    const server = await spawnPlainServer({ redisUrl: redis.url, prefix: `bench-plain-${randomBytes(4).toString("hex")}` });
    try {
      log(`plain: ${CLIENTS} clients connect + join, ${CONCURRENCY} at a time`);
      return await joinAll({ server: server.pid, redis: redis.pid }, { redisUrl: redis.url }, async (i) => {
        const socket = await connect(server.url);
        await socket.timeout(10_000).emitWithAck("join", `${TENANT}:chat:s${i % STREAMS}`);
        return socket;
      });
    } finally {
      await server.stop();
    }
  } finally {
    await redis.stop();
  }
}

async function roomcast(): Promise<Result & { profile?: string }> {
  const redis = await startRedis();
  const database = await createTestDatabase();
  const secret = randomBytes(24).toString("hex");
  const inspect = PROFILE_DIR === undefined ? undefined : await freePort();
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
        ROOMCAST_ADMIN_UI: ADMIN_UI,
        ROOMCAST_MAX_CONNECTIONS_PER_IP: String(CLIENTS + 100),
        ROOMCAST_TENANT_MAX_CONNECTIONS: String(TENANT_QUOTA),
        ROOMCAST_TENANT_EVENTS_PER_SECOND: "1000000",
        ...(inspect === undefined ? {} : { NODE_OPTIONS: `--inspect=127.0.0.1:${inspect}` }),
      },
    });
    const db = await createDb({ databaseUrl: database.url });
    try {
      const gateway = cluster.gateways[0]!;
      const transactions = async () => {
        const [row] = await db.prisma.$queryRaw<Array<{ n: bigint }>>`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`;
        return Number(row?.n ?? 0);
      };
      const tokens = Array.from({ length: CLIENTS }, (_, i) => jwt.sign({ tid: TENANT, role: "agent" }, secret, { subject: `u${i}`, expiresIn: 3600 }));
      log(`roomcast: ${CLIENTS} clients connect + authenticate + subscribe, ${CONCURRENCY} at a time`);
      const profiler = inspect === undefined ? undefined : await startProfile(inspect);
      const result = await joinAll({ server: gateway.pid!, redis: redis.pid }, { redisUrl: redis.url, transactions }, async (i) => {
        const socket = await connect(gateway.url, { auth: { token: tokens[i] } });
        const ack = (await socket.timeout(10_000).emitWithAck("subscribe", { channel: "chat", topic: `s${i % STREAMS}` })) as { ok: boolean };
        if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
        return socket;
      });
      if (profiler === undefined || PROFILE_DIR === undefined) return result;
      const profile = await profiler.stop();
      mkdirSync(PROFILE_DIR, { recursive: true });
      const file = path.join(PROFILE_DIR, `gateway-join-${Date.now()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      return { ...result, profile: file };
    } finally {
      await db.close();
      await cluster.stop();
    }
  } finally {
    await database.drop();
    await redis.stop();
  }
}

async function main(): Promise<void> {
  const baseline = await plain();
  const ours = await roomcast();
  const ms = (cpu: number) => ((cpu * 1000) / CLIENTS).toFixed(2);
  const row = (name: string, r: Result) =>
    `| ${name} | ${r.perSecond} | ${r.seconds.toFixed(2)} | ${r.p50} | ${r.p99} | ${ms(r.serverCpu)} | ${ms(r.redisCpu)} | ${ms(r.postgresCpu)} |`;
  const lines = [
    `${CLIENTS} websocket clients, ${CONCURRENCY} joining at a time, one server process; Roomcast Admin UI ${ADMIN_UI}, tenant connection quota ${TENANT_QUOTA}`,
    "| system | joins/s | seconds | p50 ms per join | p99 ms per join | server CPU ms per join | Redis CPU ms per join | PostgreSQL CPU ms per join |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    row("plain Socket.IO connect + join", baseline),
    row("Roomcast connect + authenticate + subscribe ack", ours),
    "",
    `ratio Roomcast / plain: ${(ours.perSecond / baseline.perSecond).toFixed(2)}×`,
    "",
    "Round trips per join (the run's own redis-server's INFO commandstats; pg_stat_database xact_commit of the run's database):",
    "",
    "| system | Redis commands per join | PostgreSQL transactions per join |",
    "| --- | --- | --- |",
    ...[
      ["plain Socket.IO", baseline],
      ["Roomcast", ours],
    ].map(([name, r]) => {
      const result = r as Result;
      const commands = [...result.redisCommands].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${(n / CLIENTS).toFixed(2)}`);
      const total = [...result.redisCommands.values()].reduce((a, b) => a + b, 0) / CLIENTS;
      return `| ${String(name)} | ${total.toFixed(2)} (${commands.join(", ") || "none"}) | ${(result.postgresTransactions / CLIENTS).toFixed(2)} |`;
    }),
    "",
  ];
  if (ours.profile !== undefined) lines.push(`gateway CPU profile of the joining phase: ${ours.profile}`, "", summarizeProfile(ours.profile), "");
  process.stdout.write(lines.join("\n"));
}

runBench(main);
