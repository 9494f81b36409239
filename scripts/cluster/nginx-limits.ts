/**
 * The front door's capacity for the local cluster's nginx: worker processes, connections
 * per worker, the open-file limit each worker asks for, and the Socket.IO budget
 * (`limit_conn sockets`).
 *
 * Rules (the same as nginx/nginx.conf's, for compose):
 * - every proxied WebSocket holds two connections, the client's and the one to its
 *   gateway; each is one file descriptor, so a worker needs `worker_connections` plus
 *   some descriptors for logs and listen sockets (RESERVED_FDS);
 * - nginx can raise its workers' open-file limit past the hard limit only with
 *   CAP_SYS_RESOURCE (root outside a container; root inside one usually lacks it, and
 *   nginx then logs "setrlimit(RLIMIT_NOFILE) failed" and keeps the old limit); otherwise
 *   the hard limit it inherits is the ceiling, so connections per worker shrink to fit;
 * - the listen socket has `reuseport`, so the kernel spreads connections evenly over the
 *   workers (a hash of the connection's addresses); the Socket.IO budget is 90 % of what
 *   all workers hold after HTTP_HEADROOM connections each, so at the budget every worker
 *   still has free connections for HTTP (publish, health, the Admin UI), and past it a new
 *   Socket.IO request gets 503 instead of nginx running out of connections for everyone.
 * Pure except `probeFrontDoorHost`, which reads this process's limits.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

export interface FrontDoorLimits {
  workerProcesses: number;
  /** `worker_connections`: client and upstream connections of one worker. */
  workerConnections: number;
  /** `worker_rlimit_nofile`. */
  workerRlimitNofile: number;
  /** `limit_conn sockets`: concurrent Socket.IO requests through this nginx. */
  socketConnections: number;
}

export interface FrontDoorHost {
  cpus: number;
  /** Hard RLIMIT_NOFILE of this process (children inherit it); Infinity when unlimited. */
  hardNofile: number;
  /** CAP_SYS_RESOURCE: nginx may raise its workers' limit past `hardNofile`. */
  canRaiseNofile: boolean;
}

/** 16k proxied WebSockets per worker, when the open-file limit allows. */
export const DEFAULT_WORKER_CONNECTIONS = 32_768;
/** Descriptors of a worker that are not connections: logs, listen sockets, temp files. */
export const RESERVED_FDS = 1024;
/** Connections of one worker kept free for HTTP when the Socket.IO budget is used up. */
export const HTTP_HEADROOM = 1024;
const MAX_WORKERS = 4;
/** Share of the workers' capacity the Socket.IO budget may take (reuseport's spread is even, not exact). */
const SPREAD_MARGIN = 0.9;
const MIN_WORKER_CONNECTIONS = 256;

export function frontDoorLimits(host: FrontDoorHost, wanted: Partial<FrontDoorLimits> = {}): FrontDoorLimits {
  const workerProcesses = wanted.workerProcesses ?? Math.max(1, Math.min(MAX_WORKERS, host.cpus));
  let workerConnections = wanted.workerConnections ?? DEFAULT_WORKER_CONNECTIONS;
  let workerRlimitNofile = wanted.workerRlimitNofile ?? workerConnections + RESERVED_FDS;
  if (!host.canRaiseNofile && workerRlimitNofile > host.hardNofile) {
    workerRlimitNofile = host.hardNofile;
    workerConnections = Math.min(workerConnections, workerRlimitNofile - RESERVED_FDS);
  }
  if (workerConnections < MIN_WORKER_CONNECTIONS) {
    throw new Error(`nginx would get only ${workerConnections} connections per worker (open-file limit ${host.hardNofile}); raise it with ulimit -Hn`);
  }
  const socketConnections = wanted.socketConnections ?? Math.floor((workerProcesses * (workerConnections - HTTP_HEADROOM) * SPREAD_MARGIN) / 2);
  if (socketConnections < 1) throw new Error(`no room for Socket.IO connections in ${workerConnections} connections per worker`);
  return { workerProcesses, workerConnections, workerRlimitNofile, socketConnections };
}

/** Parses `ulimit -Hn` output. */
export function parseNofile(text: string): number {
  const value = text.trim();
  if (value === "unlimited") return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(value)) throw new Error(`cannot read the open-file limit from "${value}"`);
  return Number(value);
}

/** CAP_SYS_RESOURCE (bit 24) in the effective set of a /proc/<pid>/status text. */
export function hasSysResource(procStatus: string): boolean {
  const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(procStatus)?.[1];
  return hex !== undefined && (BigInt(`0x${hex}`) & (1n << 24n)) !== 0n;
}

/** This machine: CPUs, the hard open-file limit children inherit, and CAP_SYS_RESOURCE. */
export function probeFrontDoorHost(): FrontDoorHost {
  const result = spawnSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8", timeout: 5000 });
  if (result.status !== 0) throw new Error(`ulimit -Hn failed: ${result.stderr || result.error?.message || "no output"}`);
  let status = "";
  try {
    status = readFileSync("/proc/self/status", "utf8");
  } catch {
    // not Linux: assume the hard limit is the ceiling
  }
  return { cpus: availableParallelism(), hardNofile: parseNofile(result.stdout), canRaiseNofile: hasSysResource(status) };
}
