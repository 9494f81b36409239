/**
 * What the benchmarks measure processes with, and the processes they start themselves.
 *
 * - `cpuSeconds(pid)`: user + system CPU a process has used so far (/proc/<pid>/stat,
 *   utime + stime in clock ticks); `cpuOf(pids)` samples several at once, and `cpuDelta`
 *   the difference of two samples (a process that ended in between counts what it had).
 * - `postgresPids()`: every `postgres` process on the machine (the server's backends and
 *   its background workers); PostgreSQL's CPU is reported beside the server CPU.
 * - `memoryOf(pid)`: resident set size from /proc/<pid>/status.
 * - `startRedis()`: a redis-server of the run's own on a free port (nothing on disk), so
 *   its CPU is this run's alone (the machine's shared Redis serves everybody's tests).
 * - `spawnPlain*()`: the plain Socket.IO baseline processes (plain-socketio-server.ts,
 *   plain-emitter.ts), each resolved once it says it is ready.
 * Every process started here is stopped by the `stop()` it comes with; every wait is bounded.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { freePort } from "../scripts/cluster/free-port";

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces: state is
    // field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

export type CpuSample = Map<number, number>;

export function cpuOf(pids: readonly number[]): CpuSample {
  const sample: CpuSample = new Map();
  for (const pid of pids) {
    const seconds = cpuSeconds(pid);
    if (seconds !== undefined) sample.set(pid, seconds);
  }
  return sample;
}

/** CPU seconds used between two samples; a pid only in `after` started in between and counts whole. */
export function cpuDelta(before: CpuSample, after: CpuSample): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") pids.push(Number(entry));
    } catch {
      // ended while listing
    }
  }
  return pids;
}

export function memoryOf(pid: number): { rssBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS for pid ${pid}`);
  return { rssBytes: kb * 1024 };
}

export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `child` writes `ready` on stdout; rejects if it exits first or takes over `timeoutMs`. */
function whenReady(child: ChildProcess, name: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error(`${name} was not ready within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (!seen.includes("ready")) return;
      cleanup();
      resolve();
    };
    const onExit = (code: number | null) => fail(new Error(`${name} exited (code ${code}) before it was ready`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

function stopChild(child: ChildProcess, timeoutMs = 5000): Promise<void> {
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

export interface Started {
  pid: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<Started & { url: string }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "roomcast-bench-redis-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--maxclients", "20000"], {
    stdio: "ignore",
  });
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer within 10 s`, { cause: error });
        probe.disconnect();
        await sleep(50);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.disconnect();
  }
  if (child.pid === undefined) throw new Error("redis-server did not start");
  return { pid: child.pid, url, stop };
}

const tsxNode = (script: string, env: Record<string, string>, ipc = false): ChildProcess =>
  spawn(process.execPath, ["--import", "tsx", path.join(__dirname, script)], {
    env: { ...process.env, ...env },
    stdio: ipc ? ["ignore", "pipe", "inherit", "ipc"] : ["ignore", "pipe", "inherit"],
  });

/** One plain Socket.IO server (plain-socketio-server.ts) with the sharded Redis adapter. */
export async function spawnPlainServer(options: { redisUrl: string; prefix: string; env?: Record<string, string> }): Promise<Started & { port: number; url: string }> {
  const port = await freePort();
  const child = tsxNode("plain-socketio-server.ts", { PORT: String(port), REDIS_URL: options.redisUrl, PREFIX: options.prefix, ...options.env });
  try {
    await whenReady(child, "plain-socketio-server");
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { pid: child.pid!, port, url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

export interface EmitRun {
  /** Events per second. */
  rate: number;
  seconds: number;
  streams: number;
  tenant: string;
  tickMs: number;
}

export interface PlainEmitter extends Started {
  /** Emits `rate` envelope-shaped events/s for `seconds`; resolves with how many it emitted. */
  run(run: EmitRun): Promise<number>;
}

/** The plain emitter process (plain-emitter.ts): the relay's emits with no database. */
export async function spawnPlainEmitter(options: { redisUrl: string; prefix: string }): Promise<PlainEmitter> {
  const child = tsxNode("plain-emitter.ts", { REDIS_URL: options.redisUrl, PREFIX: options.prefix }, true);
  try {
    await whenReady(child, "plain-emitter");
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    pid: child.pid!,
    stop: () => stopChild(child),
    run(run) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("plain emitter did not finish in time")), run.seconds * 1000 + 30_000);
        const onMessage = (message: { kind?: string; emitted?: number }) => {
          if (message.kind !== "done") return;
          clearTimeout(timer);
          child.off("message", onMessage);
          resolve(message.emitted ?? 0);
        };
        child.on("message", onMessage);
        child.send({ kind: "run", ...run });
      });
    },
  };
}
