/**
 * Start-up cost of a gateway, run from the TypeScript sources (`npm start`: tsx, the web
 * pages bundled at start-up) against the compiled build (`npm run start:prod`: node
 * dist/main.js, prebuilt pages), in the same run:
 * - **time to ready** on an existing embedded data folder (PGlite, already migrated):
 *   spawn → first `200` from /readyz (polled every 20 ms);
 * - **idle RSS** of a cluster-mode gateway (PostgreSQL, the sharded Redis adapter on a
 *   redis-server of the run's own, relay off), `--settle` s after ready, beside a plain
 *   Socket.IO server with the same adapter (bench/plain-socketio-server.ts) run both ways
 *   too (tsx, and bundled the same way as the build). A plain server's own spawn →
 *   listening time is printed beside the ready times: it is the machine's pace in the run
 *   (the load average is printed too), since absolute times on a shared machine vary.
 *
 *   npm run bench:startup -- [--runs 3] [--settle 5]
 *
 * Every gateway runs as production runs it: NODE_ENV=production, a JWT secret, an Admin
 * UI password hash (the Admin UI on), LOG_LEVEL=warn. The build (`npm run build`) runs
 * first and its time is reported. Prints a Markdown table (median and each run); progress
 * on stderr. Cleans up its database, folders, redis-server and processes.
 */
import { createTestDatabase } from "@roomcast/db/testing";
import { hashSync } from "bcryptjs";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../scripts/cluster/free-port";
import { bundleNode } from "../scripts/build/bundle-node";
import { memoryOf, monotonicMs, sleep, spawnPlainServer, startRedis } from "./processes";
import { arg } from "./support";

const RUNS = arg("runs", 3);
const SETTLE_S = arg("settle", 5);
const ROOT = path.resolve(__dirname, "..");
const PLAIN_BUNDLE = "bench/dist/plain-socketio-server.js";

const MODES = {
  dev: ["--import", "tsx", "apps/gateway/src/main.ts"],
  compiled: ["apps/gateway/dist/main.js"],
} as const;
type Mode = keyof typeof MODES;

const PRODUCTION_ENV = {
  NODE_ENV: "production",
  ROOMCAST_JWT_SECRET: "bench-startup-secret-0123456789abcdef",
  ROOMCAST_ADMIN_PASSWORD_HASH: hashSync("bench-admin-password", 10),
  LOG_LEVEL: "warn",
  HOST: "127.0.0.1",
};

const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface Running {
  child: ChildProcess;
  url: string;
  readyMs: number;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Spawns `node <args>` and resolves once GET /readyz answers 200 (at most 60 s), with the time that took. */
async function startNode(args: readonly string[], env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = monotonicMs();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: String(port), ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const stop = () => stopChild(child);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(" ")} exited with ${child.exitCode}: ${stderr}`);
    if (monotonicMs() - started > 60_000) {
      await stop();
      throw new Error(`${args.join(" ")} was not ready within 60 s: ${stderr}`);
    }
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return { child, url, readyMs: monotonicMs() - started, stop };
    await sleep(20);
  }
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const mb = (bytes: number): number => Math.round(bytes / 1024 / 102.4) / 10;

async function main(): Promise<void> {
  const loadStart = loadavg()[0]?.toFixed(1);
  log("building (npm run build)…");
  const buildStarted = monotonicMs();
  const build = spawnSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
  const buildMs = monotonicMs() - buildStarted;
  await bundleNode(ROOT, { entry: "bench/plain-socketio-server.ts", outfile: PLAIN_BUNDLE }, new Set());

  const rows: string[] = [];
  const dataDir = mkdtempSync(path.join(tmpdir(), "roomcast-bench-startup-"));
  const redis = await startRedis();
  const database = await createTestDatabase();
  try {
    // Time to ready on an existing folder: the first start creates and migrates it.
    log("priming the PGlite folder…");
    await (await startNode(MODES.compiled, { ...PRODUCTION_ENV, ROOMCAST_DATA_DIR: dataDir })).stop();
    const ready: Record<Mode, number[]> = { dev: [], compiled: [] };
    const plainReady: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      for (const mode of Object.keys(MODES) as Mode[]) {
        const gateway = await startNode(MODES[mode], { ...PRODUCTION_ENV, ROOMCAST_DATA_DIR: dataDir });
        ready[mode].push(gateway.readyMs);
        log(`ready ${mode}: ${Math.round(gateway.readyMs)} ms`);
        await gateway.stop();
      }
      // The machine's pace in this run: a plain server's spawn → listening (no database).
      const plain = await startPlainBundle(redis.url, `bench-startup-plainr-${run}`);
      plainReady.push(plain.readyMs);
      await plain.stop();
    }

    // Idle RSS in cluster mode.
    const clusterEnv = { ...PRODUCTION_ENV, DATABASE_URL: database.url, REDIS_URL: redis.url, ROOMCAST_RELAY: "off" };
    const rss: Record<string, number[]> = { "gateway, dev (tsx)": [], "gateway, compiled": [], "plain Socket.IO, tsx": [], "plain Socket.IO, bundled": [] };
    for (let run = 0; run < RUNS; run++) {
      for (const mode of Object.keys(MODES) as Mode[]) {
        const gateway = await startNode(MODES[mode], { ...clusterEnv, ROOMCAST_REDIS_PREFIX: `bench-startup-${run}-${mode}` });
        await sleep(SETTLE_S * 1000);
        const bytes = memoryOf(gateway.child.pid!).rssBytes;
        rss[mode === "dev" ? "gateway, dev (tsx)" : "gateway, compiled"]!.push(bytes);
        log(`rss gateway ${mode}: ${mb(bytes)} MB`);
        await gateway.stop();
      }
      const plain = await spawnPlainServer({ redisUrl: redis.url, prefix: `bench-startup-plain-${run}` });
      await sleep(SETTLE_S * 1000);
      rss["plain Socket.IO, tsx"]!.push(memoryOf(plain.pid).rssBytes);
      await plain.stop();
      const bundled = await startPlainBundle(redis.url, `bench-startup-plainb-${run}`);
      await sleep(SETTLE_S * 1000);
      rss["plain Socket.IO, bundled"]!.push(memoryOf(bundled.child.pid!).rssBytes);
      await bundled.stop();
      log(`rss plain: ${mb(rss["plain Socket.IO, tsx"]!.at(-1)!)} / ${mb(rss["plain Socket.IO, bundled"]!.at(-1)!)} MB`);
    }

    rows.push(`Build (\`npm run build\`): ${Math.round(buildMs)} ms (npm included). Load average at start / end: ${loadStart} / ${loadavg()[0]?.toFixed(1)}.`, "");
    rows.push("| time to ready, existing PGlite folder | median ms | runs (ms) |", "| --- | --- | --- |");
    for (const mode of Object.keys(MODES) as Mode[]) rows.push(`| ${mode === "dev" ? "dev: tsx apps/gateway/src/main.ts" : "compiled: node apps/gateway/dist/main.js"} | ${Math.round(median(ready[mode]))} | ${ready[mode].map(Math.round).join(", ")} |`);
    rows.push(`| plain Socket.IO, bundled (spawn → listening; the machine's pace) | ${Math.round(median(plainReady))} | ${plainReady.map(Math.round).join(", ")} |`);
    rows.push("", `| idle RSS, cluster mode (${SETTLE_S} s after ready) | median MB | runs (MB) | × plain bundled |`, "| --- | --- | --- | --- |");
    const baseline = median(rss["plain Socket.IO, bundled"]!);
    for (const [name, values] of Object.entries(rss)) rows.push(`| ${name} | ${mb(median(values))} | ${values.map(mb).join(", ")} | ${(median(values) / baseline).toFixed(2)} |`);
  } finally {
    await database.drop().catch(() => undefined);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(path.join(ROOT, path.dirname(PLAIN_BUNDLE)), { recursive: true, force: true });
  }
  process.stdout.write(`${rows.join("\n")}\n`);
}

/** The plain server bundled like the build bundles the gateway, run with plain node (it prints `ready`). */
async function startPlainBundle(redisUrl: string, prefix: string): Promise<{ child: ChildProcess; readyMs: number; stop(): Promise<void> }> {
  const port = await freePort();
  const started = monotonicMs();
  const child = spawn(process.execPath, [PLAIN_BUNDLE], { cwd: ROOT, env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl, PREFIX: prefix }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("bundled plain server was not ready within 30 s")), 30_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (!chunk.toString().includes("ready")) return;
      clearTimeout(timer);
      resolve();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`bundled plain server exited (${code})`));
    });
  });
  return { child, readyMs: monotonicMs() - started, stop: () => stopChild(child) };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
