/**
 * Tenant isolation under a flood: how much one tenant's flood slows another tenant's clients.
 *
 *   npm run bench:tenant-flood -- [--seconds 10] [--flooders 2] [--rate 950] [--probes 4]
 *
 * 2 gateway processes + 1 relay process (scripts/cluster, the default quotas: 50 events/s
 * per socket with 2 warnings before a disconnect, 2,000 events/s per tenant), a per-run
 * database and Redis prefix. Tenant `calm`: `probes` agent sockets (half on each gateway),
 * each publishing an event on its own chat stream every 50 ms and timing it until the event
 * comes back (publish → commit → relay → client). Tenant `noisy`: `flooders` sockets (half
 * on each gateway), each sending `rate` publishes per second without waiting for acks, and
 * reconnecting at once whenever it is disconnected, as an attacker would. The flood runs in
 * its own process (this script with `--flood-worker`), so it does not slow the probes' own
 * event loop: what is measured is the gateways.
 * Phase 1 measures `calm` alone (its baseline), phase 2 the same while `noisy` floods; the
 * first second of each phase is warm-up. Prints a Markdown table; stops by itself.
 */
import { createTestDatabase } from "@roomcast/db/testing";
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import jwt from "jsonwebtoken";
import type { Socket } from "socket.io-client";
import WebSocket from "ws";
import { startCluster } from "../scripts/cluster/start-cluster";
import { arg, connect, summarize, type LatencySummary } from "./support";

const SECONDS = arg("seconds", 10);
const FLOODERS = arg("flooders", 2);
const RATE = arg("rate", 950);
const PROBES = arg("probes", 4);
const PROBE_EVERY_MS = 50;
const WARMUP_MS = 1000;
const SECRET = randomBytes(24).toString("hex");
const log = (message: string) => process.stderr.write(`${message}\n`);
const tokenFor = (tenant: string, sub: string) => jwt.sign({ tid: tenant, role: "agent" }, SECRET, { subject: sub, expiresIn: 3600 });

interface FloodFigures {
  sent: number;
  accepted: number;
  rateLimited: number;
  disconnects: number;
  notices: number;
}

/** Publishes on each probe's own stream and times each event back; returns the samples taken after warm-up. */
async function probe(probes: Socket[], seconds: number): Promise<number[]> {
  const samples: number[] = [];
  const sentAt = new Map<string, number>();
  const start = performance.now();
  const handlers = probes.map((socket) => {
    const onEvent = (e: { data: { id?: string } }) => {
      const id = e.data.id;
      const at = id === undefined ? undefined : sentAt.get(id);
      if (at === undefined || id === undefined) return;
      sentAt.delete(id);
      if (at - start >= WARMUP_MS) samples.push(performance.now() - at);
    };
    socket.on("event", onEvent);
    return () => socket.off("event", onEvent);
  });
  let n = 0;
  const timer = setInterval(() => {
    for (const [i, socket] of probes.entries()) {
      const id = `p${i}-${n}`;
      sentAt.set(id, performance.now());
      socket.emit("publish", { channel: "chat", topic: `probe${i}`, type: "probe", data: { id } }, () => undefined);
    }
    n++;
  }, PROBE_EVERY_MS);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(timer);
  // Let the last events arrive (bounded), then stop listening.
  const deadline = performance.now() + 5000;
  while ([...sentAt.values()].some((at) => at - start >= WARMUP_MS) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const off of handlers) off();
  const lost = [...sentAt.values()].filter((at) => at - start >= WARMUP_MS).length;
  if (lost > 0) log(`  ${lost} probe events did not come back within 5 s (counted as 5000 ms)`);
  for (let i = 0; i < lost; i++) samples.push(5000);
  return samples;
}

/**
 * `count` connections of tenant noisy, each sending `rate` publishes/s, reconnecting when
 * kicked, until `stop`. Raw Engine.IO/Socket.IO frames over `ws` (pre-encoded, as a cheap
 * attacker would send them), so the flood costs the flooding process little CPU on a
 * machine it shares with the gateways.
 */
function flood(urls: string[], count: number, rate: number, stop: AbortSignal, secret: string): { figures: FloodFigures; done: Promise<void> } {
  const tokenFor = (tenant: string, sub: string) => jwt.sign({ tid: tenant, role: "agent" }, secret, { subject: sub, expiresIn: 3600 });
  const figures: FloodFigures = { sent: 0, accepted: 0, rateLimited: 0, disconnects: 0, notices: 0 };
  const perTick = Math.max(1, Math.round(rate / 100));
  const one = async (index: number) => {
    let ackId = 0;
    while (!stop.aborted) {
      const url = `${urls[index % urls.length]!.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`;
      const ws = new WebSocket(url);
      let timer: NodeJS.Timeout | undefined;
      const closed = new Promise<void>((resolve) => {
        ws.on("close", () => resolve());
        ws.on("error", () => resolve());
      });
      ws.on("message", (raw: Buffer) => {
        const frame = raw.toString();
        if (frame === "2") return ws.send("3"); // Engine.IO ping → pong
        if (frame.startsWith("0")) return ws.send(`40${JSON.stringify({ token: tokenFor("noisy", `flooder${index}`) })}`);
        if (frame.startsWith("40")) {
          timer = setInterval(() => {
            for (let k = 0; k < perTick && ws.readyState === WebSocket.OPEN; k++) {
              figures.sent++;
              ws.send(`42${ackId++}["publish",{"channel":"chat","topic":"flood","type":"spam","data":{"k":${k}}}]`);
            }
          }, 10);
          return;
        }
        if (frame.startsWith("43")) {
          if (frame.includes('"ok":true')) figures.accepted++;
          else if (frame.includes("rate_limited")) figures.rateLimited++;
          return;
        }
        if (frame.startsWith("42") && frame.includes('"system"')) figures.notices++;
      });
      await Promise.race([closed, new Promise<void>((resolve) => stop.addEventListener("abort", () => resolve(), { once: true }))]);
      clearInterval(timer);
      if (ws.readyState === WebSocket.OPEN) ws.close();
      else if (!stop.aborted) figures.disconnects++;
    }
  };
  return { figures, done: Promise.all(Array.from({ length: count }, (_, i) => one(i))).then(() => undefined) };
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const prefix = `bench-flood-${randomBytes(4).toString("hex")}`;
  const cluster = await startCluster({
    nodes: 2,
    relays: 1,
    databaseUrl: database.url,
    createDatabase: false,
    migrate: false,
    prefix,
    logLevel: "warn",
    env: { ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off" },
  });
  const probes: Socket[] = [];
  try {
    const urls = cluster.gateways.map((g) => g.url);
    for (let i = 0; i < PROBES; i++) {
      const socket = await connect(urls[i % urls.length]!, { auth: { token: tokenFor("calm", `probe${i}`) } });
      const ack = (await socket.timeout(10_000).emitWithAck("subscribe", { channel: "chat", topic: `probe${i}` })) as { ok: boolean };
      if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
      probes.push(socket);
    }
    log(`baseline: ${PROBES} probes of tenant calm for ${SECONDS}s`);
    const baseline = summarize(await probe(probes, SECONDS));
    log(`flood: ${FLOODERS} sockets of tenant noisy at ${RATE}/s each, probes again for ${SECONDS}s`);
    const worker = fork(__filename, ["--flood-worker"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const figures = new Promise<FloodFigures>((resolve, reject) => {
      worker.once("message", (message) => resolve(message as FloodFigures));
      worker.once("exit", (code) => reject(new Error(`the flood worker exited (${code}) without figures`)));
    });
    worker.send({ urls, count: FLOODERS, rate: RATE, secret: SECRET });
    await new Promise((r) => setTimeout(r, 1500)); // the flood is under way before the probes start
    const underFlood = summarize(await probe(probes, SECONDS));
    worker.send("stop");
    const f = await figures;
    const row = (name: string, s: LatencySummary) => `| ${name} | ${s.samples} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} |`;
    process.stdout.write(
      [
        `| tenant calm's probe latency (publish → event back) | samples | p50 ms | p95 ms | p99 ms | max ms |`,
        `| --- | --- | --- | --- | --- | --- |`,
        row("alone (baseline)", baseline),
        row(`while tenant noisy floods (${FLOODERS} × ${RATE}/s)`, underFlood),
        "",
        `p99 ratio (flood / baseline): ${(underFlood.p99 / baseline.p99).toFixed(2)}; p50 ratio: ${(underFlood.p50 / baseline.p50).toFixed(2)}`,
        `flood: ${f.sent} publishes sent, ${f.accepted} accepted, ${f.rateLimited} answered rate_limited, ${f.notices} system notices, ${f.disconnects} disconnects (reconnected each time)`,
        "",
      ].join("\n"),
    );
  } finally {
    for (const socket of probes) socket.disconnect();
    await cluster.stop();
    await database.drop();
  }
}

/** The flood worker: starts on its first message, stops and reports on "stop". */
function floodWorker(): void {
  const stop = new AbortController();
  process.once("message", (start: { urls: string[]; count: number; rate: number; secret: string }) => {
    const attack = flood(start.urls, start.count, start.rate, stop.signal, start.secret);
    process.on("message", (message) => {
      if (message !== "stop") return;
      stop.abort();
      void attack.done.then(() => {
        process.send?.(attack.figures);
        process.exit(0);
      });
    });
  });
}

if (process.argv.includes("--flood-worker")) floodWorker();
else main().then(
  () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
