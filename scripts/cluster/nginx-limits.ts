/**
 * The front door's capacity for the local cluster's nginx: worker processes, connections
 * per worker, the open-file limit each worker asks for, and the Socket.IO budget
 * (`limit_conn sockets`).
 *
 * Rules (the same as nginx/nginx.conf's, for compose):
 * - every proxied WebSocket holds two connections, the client's and the one to its
 *   gateway; each is one file descriptor, so a worker needs `worker_connections` plus
 *   some descriptors for logs and listen sockets (RESERVED_FDS);
 * - nginx started as root can raise its workers' open-file limit past the hard limit
 *   (it calls setrlimit before dropping privileges); anyone else gets at most the hard
 *   limit, so connections per worker shrink to fit it;
 * - the Socket.IO budget is what ONE worker holds with HTTP_HEADROOM connections to spare:
 *   whichever worker the kernel hands clients to, HTTP requests (publish, health, the
 *   Admin UI) still find connections, and past the budget a new Socket.IO request gets 503
 *   instead of nginx running out of connections for everyone.
 * Pure except `probeFrontDoorHost`, which reads this process's limits.
 */
import { spawnSync } from "node:child_process";
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
  /** Running as root: nginx may raise the limit past `hardNofile`. */
  root: boolean;
}

/** Enough for 16k proxied WebSockets per worker (the 10k benchmark fits in one). */
export const DEFAULT_WORKER_CONNECTIONS = 32_768;
/** Descriptors of a worker that are not connections: logs, listen sockets, temp files. */
export const RESERVED_FDS = 1024;
/** Connections of one worker kept free for HTTP when the Socket.IO budget is used up. */
export const HTTP_HEADROOM = 1024;
const MAX_WORKERS = 4;
const MIN_WORKER_CONNECTIONS = 256;

export function frontDoorLimits(host: FrontDoorHost, wanted: Partial<FrontDoorLimits> = {}): FrontDoorLimits {
  const workerProcesses = wanted.workerProcesses ?? Math.max(1, Math.min(MAX_WORKERS, host.cpus));
  let workerConnections = wanted.workerConnections ?? DEFAULT_WORKER_CONNECTIONS;
  let workerRlimitNofile = wanted.workerRlimitNofile ?? workerConnections + RESERVED_FDS;
  if (!host.root && workerRlimitNofile > host.hardNofile) {
    workerRlimitNofile = host.hardNofile;
    workerConnections = Math.min(workerConnections, workerRlimitNofile - RESERVED_FDS);
  }
  if (workerConnections < MIN_WORKER_CONNECTIONS) {
    throw new Error(`nginx would get only ${workerConnections} connections per worker (open-file limit ${host.hardNofile}); raise it with ulimit -Hn`);
  }
  const socketConnections = wanted.socketConnections ?? Math.floor((workerConnections - HTTP_HEADROOM) / 2);
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

/** This machine: CPUs, the hard open-file limit children inherit, and whether we are root. */
export function probeFrontDoorHost(): FrontDoorHost {
  const result = spawnSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8", timeout: 5000 });
  if (result.status !== 0) throw new Error(`ulimit -Hn failed: ${result.stderr || result.error?.message || "no output"}`);
  return { cpus: availableParallelism(), hardNofile: parseNofile(result.stdout), root: process.getuid?.() === 0 };
}
