/**
 * A Redis Cluster of three primaries owned by one test: each `redis-server` runs with
 * `--cluster-enabled yes` in its own folder under a fresh temporary directory, on a free
 * loopback port, and `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes`
 * joins them. Nothing is persisted (`--save ''`, no AOF); `stop()` shuts every node down
 * with `shutdown nosave` (SIGKILL if it does not exit) and removes the directory.
 *
 * `kill(i)` / `restart(i)` take one primary away and bring it back on the same port with
 * its nodes.conf, so it rejoins owning the same slots (an outage of one shard).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./redis-server";
import { until, waitFor } from "./wait";

export interface OwnedRedisCluster {
  /** `host:port` of each primary, in start order (the REDIS_CLUSTER_NODES form). */
  nodes: string[];
  ports: number[];
  /** The index of the primary that owns `key`'s hash slot. */
  ownerOf(key: string): Promise<number>;
  kill(index: number): Promise<void>;
  restart(index: number): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return waitFor<string>(`${command} ${args.join(" ")}`, timeoutMs, (resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}: ${output}`))));
    return () => child.kill("SIGKILL");
  });
}

async function clusterState(port: number): Promise<string> {
  return run("redis-cli", ["-p", String(port), "cluster", "info"], 5000).catch(() => "");
}

export async function ownedRedisCluster(size = 3): Promise<OwnedRedisCluster> {
  const root = mkdtempSync(path.join(tmpdir(), "roomcast-redis-cluster-"));
  const ports: number[] = [];
  for (let i = 0; i < size; i++) ports.push(await freePort());
  const children: Array<ChildProcess | undefined> = [];

  const start = async (index: number): Promise<void> => {
    const port = ports[index]!;
    const dir = path.join(root, String(port));
    mkdirSync(dir, { recursive: true });
    const child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdio: "ignore", cwd: dir },
    );
    children[index] = child;
    await until(`redis-server (cluster) on port ${port}`, START_TIMEOUT_MS, async () => (await run("redis-cli", ["-p", String(port), "ping"], 2000).catch(() => "")).includes("PONG"), 50);
  };

  const allOk = async () => {
    for (const port of ports) if (!(await clusterState(port)).includes("cluster_state:ok")) return false;
    return true;
  };

  const stopOne = async (index: number, how: "nosave" | "kill"): Promise<void> => {
    const child = children[index];
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = waitFor<void>(`redis-server on port ${ports[index]} to exit`, 10_000, (resolve) => {
      child.once("exit", () => resolve());
    });
    if (how === "nosave") await run("redis-cli", ["-p", String(ports[index]), "shutdown", "nosave"], 5000).catch(() => child.kill("SIGKILL"));
    else child.kill("SIGKILL");
    await exited;
    children[index] = undefined;
  };

  try {
    for (let i = 0; i < size; i++) await start(i);
    await run("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"], START_TIMEOUT_MS);
    await until("cluster_state:ok on every node", START_TIMEOUT_MS, allOk, 100);
  } catch (error) {
    for (let i = 0; i < size; i++) await stopOne(i, "kill");
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  return {
    nodes: ports.map((p) => `127.0.0.1:${p}`),
    ports,
    async ownerOf(key) {
      const probe = new Redis(ports[0]!, "127.0.0.1", { maxRetriesPerRequest: 1 });
      try {
        const slot = Number(await probe.cluster("KEYSLOT", key));
        const ranges = await probe.cluster("SLOTS");
        const owner = ranges.find(([from, to]) => slot >= from && slot <= to);
        const index = owner?.[2] === undefined ? -1 : ports.indexOf(owner[2][1]);
        if (index < 0) throw new Error(`no primary owns slot ${slot}`);
        return index;
      } finally {
        probe.disconnect();
      }
    },
    kill: (index) => stopOne(index, "kill"),
    async restart(index) {
      await start(index);
      await until("cluster_state:ok after restart", START_TIMEOUT_MS, allOk, 100);
    },
    async stop() {
      for (let i = 0; i < size; i++) await stopOne(i, "nosave");
      rmSync(root, { recursive: true, force: true });
    },
  };
}
