/**
 * The front door under load: WebSocket clients held through nginx on 3 gateways while
 * producers publish over HTTP through the same nginx — Roomcast against plain Socket.IO
 * behind the same nginx config, in the same run.
 *
 *   npm run bench:front-door -- [--clients 10000] [--per-source 100] [--rate 20]
 *                               [--hold 20] [--concurrency 200]
 *
 * Roomcast: the `npm run cluster` topology (scripts/cluster: 3 gateways, 1 relay, nginx
 * rendered by the runner with the limits it computes for this machine), a per-run database
 * and Redis prefix, Admin UI off. `clients` member sockets over 10 tenants (websocket
 * transport, `per-source` clients per loopback source address, so nginx's hash spreads
 * them and no address passes a gateway's ROOMCAST_MAX_CONNECTIONS_PER_IP) authenticate
 * and subscribe to one of 100 document streams of their tenant. From the start, a
 * producer POSTs /api/v1/publish through nginx at `rate` per second (a service token, an
 * idempotency key each). When every client has joined, the load is held for `hold`
 * seconds (publishing goes on, /healthz is asked through nginx every second).
 * Plain Socket.IO: 3 bench/plain-socketio-server.ts processes (same sharded Redis adapter)
 * behind nginx rendered from the same template with the same limits; clients `join` a
 * room, the producer POSTs to the plain server's /api/v1/publish, which emits to it.
 *
 * Reported per system: clients held at the end, refused (with reasons), dropped after
 * joining, join rate, publishes acknowledged / failed and their latency, deliveries of
 * the publishes made while every client was in (received / expected), the slowest
 * /healthz, and nginx's resident memory (master + workers). Stops by itself.
 */
import { createTestDatabase } from "@roomcast/db/testing";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import jwt from "jsonwebtoken";
import type { Socket } from "socket.io-client";
import { freePorts } from "../scripts/cluster/free-port";
import { spawnLocalNginx } from "../scripts/cluster/local-nginx";
import { DEFAULT_PING_INTERVAL_MS, findNginx } from "../scripts/cluster/nginx-config";
import { frontDoorLimits, probeFrontDoorHost, type FrontDoorLimits } from "../scripts/cluster/nginx-limits";
import { waitForStatus, waitUntil } from "../scripts/cluster/readiness";
import { startCluster } from "../scripts/cluster/start-cluster";
import { deliveries, openClients, probe, startPublisher, type ClientLoad, type ClientSpec, type PublishResult } from "./front-door-load";
import { spawnPlainServer } from "./processes";
import { arg, runBench } from "./support";

const CLIENTS = arg("clients", 10_000);
const PER_SOURCE = arg("per-source", 100);
const RATE = arg("rate", 20);
const HOLD_SECONDS = arg("hold", 20);
const CONCURRENCY = arg("concurrency", 200);
const TENANTS = 10;
const ROOMS = 100;
const TIMEOUT_MS = 20_000;
const PUBLISHER_SOURCE = "127.1.0.1";
const PROBE_SOURCE = "127.1.0.2";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SECRET = randomBytes(24).toString("hex");
const log = (message: string) => process.stderr.write(`${message}\n`);

/** Client `i`: tenant i % 10, and a room of that tenant, 100 rooms in all. */
const tenantOf = (i: number) => `bench${i % TENANTS}`;
const roomOf = (i: number) => `${tenantOf(i)}/d${Math.floor(i / TENANTS) % (ROOMS / TENANTS)}`;
const ALL_ROOMS = [...new Set(Array.from({ length: Math.min(CLIENTS, ROOMS * TENANTS) }, (_, i) => roomOf(i)))];
const MEMBERS = new Map<string, number>();
for (let i = 0; i < CLIENTS; i++) MEMBERS.set(roomOf(i), (MEMBERS.get(roomOf(i)) ?? 0) + 1);

interface Outcome {
  load: ClientLoad;
  held: number;
  dropped: number;
  published: PublishResult;
  delivered: { received: number; expected: number };
  healthzMaxMs: number;
  healthzFailures: number;
  nginxRssMb: number;
  nginxErrors: string[];
}

/** Resident memory of a process and its children (nginx's master and workers), in MB. */
function treeRssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const rssKb = (p: string) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
  let total = rssKb(String(pid));
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const ppid = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.split(" ")[1];
      if (ppid === String(pid)) total += rssKb(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return Math.round(total / 102.4) / 10;
}

/** Runs the load against one front door and measures it. */
async function drive(url: string, spec: ClientSpec, publish: { headers: (n: number, room: string) => Record<string, string>; body: (n: number, room: string) => unknown; ok: number }, nginxPid: () => number | undefined, errorLog: string): Promise<Outcome> {
  const roomOfPublish = (n: number) => ALL_ROOMS[n % ALL_ROOMS.length]!;
  const publisher = startPublisher(`${url}/api/v1/publish`, {
    rate: RATE,
    rooms: ALL_ROOMS,
    localAddress: PUBLISHER_SOURCE,
    headers: (n) => publish.headers(n, roomOfPublish(n)),
    body: publish.body,
    ok: publish.ok,
    timeoutMs: TIMEOUT_MS,
  });
  let load: ClientLoad | undefined;
  try {
    load = await openClients(url, CLIENTS, spec, { perSource: PER_SOURCE, concurrency: CONCURRENCY, timeoutMs: TIMEOUT_MS });
    log(`  ${load.joined}/${CLIENTS} joined at ${load.ratePerSecond}/s; holding ${HOLD_SECONDS} s while publishing ${RATE}/s`);
    const holdFrom = publisher.sent();
    let healthzMaxMs = 0;
    let healthzFailures = 0;
    for (let s = 0; s < HOLD_SECONDS; s++) {
      const [answer] = await Promise.all([probe(`${url}/healthz`, PROBE_SOURCE, 5000), new Promise((r) => setTimeout(r, 1000))]);
      healthzMaxMs = Math.max(healthzMaxMs, answer.ms);
      if (answer.status !== 200) healthzFailures++;
    }
    const nginxRssMb = treeRssMb(nginxPid());
    const published = await publisher.stop();
    const held = load.sockets.filter((s) => s.connected).length;
    const dropped = load.dropped();
    const from = (n: number) => n >= holdFrom;
    const finalLoad = load;
    await waitUntil("deliveries of the hold's publishes", async () => {
      const d = deliveries(finalLoad, published, (room) => MEMBERS.get(room) ?? 0, from);
      return d.received >= d.expected;
    }, { timeoutMs: 15_000, everyMs: 250 }).catch(() => undefined);
    const delivered = deliveries(load, published, (room) => MEMBERS.get(room) ?? 0, from);
    const nginxErrors = readFileSync(errorLog, "utf8").split("\n").filter((l) => /\[(alert|crit|emerg)\]|worker_connections|limiting connections/.test(l));
    return { load, held, dropped, published, delivered, healthzMaxMs, healthzFailures, nginxRssMb, nginxErrors };
  } finally {
    await publisher.stop();
    for (const socket of load?.sockets ?? []) socket.disconnect();
  }
}

async function roomcast(limits: FrontDoorLimits): Promise<Outcome> {
  const database = await createTestDatabase();
  const cluster = await startCluster({
    nodes: 3,
    relays: 1,
    databaseUrl: database.url,
    createDatabase: false,
    migrate: false,
    prefix: `bench-fd-${randomBytes(4).toString("hex")}`,
    redisUrl: REDIS_URL,
    logLevel: "warn",
    nginxLimits: limits,
    env: { ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off" },
  });
  try {
    log(`roomcast: 3 gateways behind ${cluster.publicUrl}`);
    const service = new Map(Array.from({ length: TENANTS }, (_, t) => [`bench${t}`, jwt.sign({ tid: `bench${t}`, role: "service" }, SECRET, { subject: "producer", expiresIn: 3600 })]));
    const run = randomBytes(3).toString("hex");
    const spec: ClientSpec = {
      auth: (i) => ({ token: jwt.sign({ tid: tenantOf(i), role: "member" }, SECRET, { subject: `m${i}`, expiresIn: 3600 }) }),
      room: roomOf,
      join: async (socket: Socket, i) => {
        const ack = (await socket.timeout(TIMEOUT_MS).emitWithAck("subscribe", { channel: "documents", topic: roomOf(i).split("/")[1] })) as { ok?: boolean };
        return ack.ok === true;
      },
    };
    return await drive(
      cluster.publicUrl,
      spec,
      {
        headers: (_n, room) => ({ authorization: `Bearer ${service.get(room.split("/")[0]!)}` }),
        body: (n, room) => ({ channel: "documents", topic: room.split("/")[1], type: "status", data: { n }, key: `fd-${run}-${n}` }),
        ok: 201,
      },
      () => cluster.nginx.pid,
      path.join(cluster.dir, "logs", "nginx-error.log"),
    );
  } finally {
    await cluster.stop();
    await database.drop();
  }
}

async function plain(limits: FrontDoorLimits): Promise<Outcome> {
  const prefix = `bench-fd-plain-${randomBytes(4).toString("hex")}`;
  const servers = await Promise.all([1, 2, 3].map(() => spawnPlainServer({ redisUrl: REDIS_URL, prefix })));
  const [nginxPort] = await freePorts(1);
  const dir = mkdtempSync(path.join(tmpdir(), "roomcast-bench-nginx-"));
  const nginx = spawnLocalNginx({ binary: findNginx(process.env.PATH), dir, port: nginxPort!, upstreamPorts: servers.map((s) => s.port), limits, pingIntervalMs: DEFAULT_PING_INTERVAL_MS, env: process.env });
  try {
    await waitForStatus(`${nginx.url}/healthz`, { timeoutMs: 20_000 });
    log(`plain socket.io: 3 servers behind ${nginx.url}`);
    const spec: ClientSpec = {
      auth: () => ({}),
      room: roomOf,
      join: async (socket: Socket, i) => {
        await socket.timeout(TIMEOUT_MS).emitWithAck("join", roomOf(i));
        return true;
      },
    };
    return await drive(nginx.url, spec, { headers: () => ({}), body: (n, room) => ({ room, payload: { data: { n } } }), ok: 201 }, () => nginx.managed.pid, nginx.errorLog);
  } finally {
    await nginx.managed.stop(5000);
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(name: string, o: Outcome): string {
  const refused = [...o.load.refused.values()].reduce((a, b) => a + b, 0);
  const failed = [...o.published.failed.values()].reduce((a, b) => a + b, 0);
  return `| ${name} | ${CLIENTS} | ${o.held} | ${refused} | ${o.dropped} | ${o.load.ratePerSecond} | ${o.published.acked} / ${failed} | ${o.published.latency.p50} / ${o.published.latency.p99} | ${o.delivered.received} / ${o.delivered.expected} | ${o.healthzMaxMs} (${o.healthzFailures} failed) | ${o.nginxRssMb} |`;
}

function details(name: string, o: Outcome): string {
  const list = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ×${v}`).join(", ") || "none";
  return `${name}: refused: ${list(o.load.refused)}; publish failures: ${list(o.published.failed)}; nginx alerts: ${o.nginxErrors.length === 0 ? "none" : o.nginxErrors.slice(0, 3).join(" | ")}`;
}

async function main(): Promise<void> {
  const limits = frontDoorLimits(probeFrontDoorHost());
  log(`nginx limits: ${JSON.stringify(limits)}`);
  const ours = await roomcast(limits);
  const baseline = await plain(limits);
  process.stdout.write(
    [
      `${CLIENTS} websocket clients through nginx on 3 nodes (${PER_SOURCE} per source address), HTTP publishes at ${RATE}/s through the same nginx, held ${HOLD_SECONDS} s`,
      `nginx: ${limits.workerProcesses} workers × ${limits.workerConnections} connections, worker_rlimit_nofile ${limits.workerRlimitNofile}, Socket.IO budget ${limits.socketConnections}`,
      "| system | clients | held | refused | dropped | joins/s | publishes acked / failed | publish p50 / p99 ms | deliveries during hold | slowest /healthz ms | nginx RSS MB |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      row("plain Socket.IO + Redis adapter", baseline),
      row("Roomcast (auth + subscribe, durable publish)", ours),
      "",
      details("plain", baseline),
      details("roomcast", ours),
      "",
    ].join("\n"),
  );
}

runBench(main);
