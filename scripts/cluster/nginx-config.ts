/**
 * Renders nginx/local.conf.template for the local process cluster: the listen port, one
 * upstream server per gateway port, the run's folder for pid, logs and temp files, the
 * capacity (nginx-limits.ts) and the Socket.IO read timeout derived from the heartbeat.
 * Pure: no file or process is touched here. Every `{{…}}` placeholder must be replaced;
 * a template with one left over is refused rather than handed to nginx.
 */
import { accessSync, constants, readFileSync } from "node:fs";
import path from "node:path";
import { envSchema } from "@roomcast/config";
import type { FrontDoorLimits } from "./nginx-limits";

export const NGINX_DIR = path.resolve(__dirname, "../../nginx");
export const LOCAL_TEMPLATE = path.join(NGINX_DIR, "local.conf.template");

export interface LocalNginxOptions {
  /** Run folder: nginx.pid, logs/ and nginx-temp/ go here (absolute path). */
  dir: string;
  /** Loopback port nginx listens on. */
  port: number;
  /** The gateways' loopback ports, in node order (at least one). */
  upstreamPorts: readonly number[];
  /** Workers, connections, open files, Socket.IO budget (default: LOCAL_DEFAULT_LIMITS). */
  limits?: FrontDoorLimits;
  /** The gateways' ROOMCAST_PING_INTERVAL_MS (default: the config's default). */
  pingIntervalMs?: number;
  /** Folder holding proxy.conf and routes.conf (default: the repository's nginx/). */
  nginxDir?: string;
  /** Template text (default: nginx/local.conf.template). */
  template?: string;
}

/** A failed gateway (refused, or no answer within its location's read timeout) is skipped this long. */
export const FAIL_TIMEOUT_SECONDS = 10;
/** Slack of the Socket.IO read timeout over the heartbeat interval (a ping sent late by a busy node). */
export const SOCKET_READ_SLACK_SECONDS = 10;
export const DEFAULT_PING_INTERVAL_MS: number = envSchema.shape.ROOMCAST_PING_INTERVAL_MS.parse(undefined);
/** Limits for a caller that computed none (a test); the runner computes them for the machine. */
export const LOCAL_DEFAULT_LIMITS: FrontDoorLimits = { workerProcesses: 1, workerConnections: 4096, workerRlimitNofile: 5120, socketConnections: 1536 };

/** Socket.IO's proxy_read_timeout in seconds: the heartbeat interval plus slack. */
export function socketReadTimeoutSeconds(pingIntervalMs: number): number {
  return Math.ceil(pingIntervalMs / 1000) + SOCKET_READ_SLACK_SECONDS;
}

export function renderLocalNginxConfig(options: LocalNginxOptions): string {
  const { dir, port, upstreamPorts } = options;
  const limits = options.limits ?? LOCAL_DEFAULT_LIMITS;
  const pingIntervalMs = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
  if (!path.isAbsolute(dir)) throw new Error(`nginx run folder must be absolute: ${dir}`);
  if (upstreamPorts.length === 0) throw new Error("nginx needs at least one upstream port");
  for (const p of [port, ...upstreamPorts]) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`invalid port ${p}`);
  }
  for (const [name, value] of Object.entries({ ...limits, pingIntervalMs })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  const servers = upstreamPorts
    .map((p) => `        server 127.0.0.1:${p} max_fails=1 fail_timeout=${FAIL_TIMEOUT_SECONDS}s;`)
    .join("\n");
  const values: Record<string, string> = {
    DIR: dir,
    PORT: String(port),
    UPSTREAM_SERVERS: servers,
    NGINX_DIR: options.nginxDir ?? NGINX_DIR,
    WORKER_PROCESSES: String(limits.workerProcesses),
    WORKER_CONNECTIONS: String(limits.workerConnections),
    WORKER_RLIMIT_NOFILE: String(limits.workerRlimitNofile),
    SOCKET_CONNECTIONS: String(limits.socketConnections),
    PING_INTERVAL_MS: String(pingIntervalMs),
    SOCKET_READ_TIMEOUT: String(socketReadTimeoutSeconds(pingIntervalMs)),
  };
  const template = options.template ?? readFileSync(LOCAL_TEMPLATE, "utf8");
  const rendered = template.replace(/\{\{([A-Z_]+)\}\}/g, (match, key: string) => values[key] ?? match);
  const left = /\{\{[^}]*\}\}/.exec(rendered);
  if (left) throw new Error(`nginx template placeholder not replaced: ${left[0]}`);
  return rendered;
}

/** Where Debian and source builds put nginx; /usr/sbin is often missing from a user's PATH. */
const SBIN_DIRS = ["/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin"];

/**
 * The nginx executable: the first `nginx` on `pathEnv`, then in `fallbackDirs` (the usual
 * sbin folders).
 * Throws with an install hint when there is none.
 */
export function findNginx(pathEnv: string | undefined, fallbackDirs: readonly string[] = SBIN_DIRS): string {
  const dirs = [...(pathEnv ?? "").split(path.delimiter).filter((d) => d.length > 0), ...fallbackDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, "nginx");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next folder
    }
  }
  throw new Error("nginx not found on PATH or in /usr/sbin; install it (Debian: apt-get install -y nginx)");
}
