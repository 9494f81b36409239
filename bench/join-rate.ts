/**
 * Joining: connect + authenticate + first subscribe ack per second, websocket only,
 * Roomcast against plain Socket.IO connect + join, in the same run.
 *
 *   npm run bench:join -- [--clients 2000] [--concurrency 50] [--admin-ui off|on] [--profile DIR]
 *
 * One server process under test with the sharded Redis adapter (dynamic) on a redis-server
 * of the run's own; `clients` sockets (in this process) join, `concurrency` at a time, and
 * stay connected until the last one has its ack.
 * - Roomcast: 1 gateway process (scripts/cluster, no relay, a per-run database; per-address
 *   and tenant quotas raised since every client comes from 127.0.0.1). Client i connects
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
import { createTestDatabase } from "@roomcast/db/testing";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import jwt from "jsonwebtoken";
import type { Socket } from "socket.io-client";
import { freePort } from "../scripts/cluster/free-port";
import { startCluster } from "../scripts/cluster/start-cluster";
import { summarizeProfile } from "./cpu-profile-summary";
import { startProfile } from "./inspector";
import { cpuDelta, cpuOf, monotonicMs, postgresPids, spawnPlainServer, startRedis } from "./processes";
import { arg, connect, summarize, type LatencySummary } from "./support";

const CLIENTS = arg("clients", 2000);
const CONCURRENCY = arg("concurrency", 50);
const STREAMS = 20;
const option = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
const ADMIN_UI = option("admin-ui") === "on" ? "on" : "off";
const PROFILE_DIR = option("profile");
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
}

/** Runs `join(i)` for every client, `CONCURRENCY` in flight; the sockets stay open until all joined. */
async function joinAll(pids: { server: number; redis: number }, join: (i: number) => Promise<Socket>): Promise<Result> {
  const sockets: Socket[] = [];
  const each: number[] = [];
  let nextIndex = 0;
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
    return { ...summarize(each), perSecond: Math.round(CLIENTS / seconds), seconds, serverCpu, redisCpu, postgresCpu };
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
      return await joinAll({ server: server.pid, redis: redis.pid }, async (i) => {
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
        ROOMCAST_TENANT_MAX_CONNECTIONS: String(CLIENTS + 100),
        ROOMCAST_TENANT_EVENTS_PER_SECOND: "1000000",
        ...(inspect === undefined ? {} : { NODE_OPTIONS: `--inspect=127.0.0.1:${inspect}` }),
      },
    });
    try {
      const gateway = cluster.gateways[0]!;
      const tokens = Array.from({ length: CLIENTS }, (_, i) => jwt.sign({ tid: TENANT, role: "agent" }, secret, { subject: `u${i}`, expiresIn: 3600 }));
      log(`roomcast: ${CLIENTS} clients connect + authenticate + subscribe, ${CONCURRENCY} at a time`);
      const profiler = inspect === undefined ? undefined : await startProfile(inspect);
      const result = await joinAll({ server: gateway.pid!, redis: redis.pid }, async (i) => {
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
    `${CLIENTS} websocket clients, ${CONCURRENCY} joining at a time, one server process; Roomcast Admin UI ${ADMIN_UI}`,
    "| system | joins/s | seconds | p50 ms per join | p99 ms per join | server CPU ms per join | Redis CPU ms per join | PostgreSQL CPU ms per join |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    row("plain Socket.IO connect + join", baseline),
    row("Roomcast connect + authenticate + subscribe ack", ours),
    "",
    `ratio Roomcast / plain: ${(ours.perSecond / baseline.perSecond).toFixed(2)}×`,
    "",
  ];
  if (ours.profile !== undefined) lines.push(`gateway CPU profile of the joining phase: ${ours.profile}`, "", summarizeProfile(ours.profile), "");
  process.stdout.write(lines.join("\n"));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
