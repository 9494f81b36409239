/**
 * The shapes of the process cluster: what `startCluster` takes, what it reports while
 * starting and stopping, and the handle it returns to tests, benchmarks and the CLI.
 */
import type { ExitInfo, ManagedProcess } from "./managed-process";
import type { FrontDoorLimits } from "./nginx-limits";

export type ClusterEvent =
  | { kind: "database"; name: string; created: boolean }
  | { kind: "migrated"; applied: string[] }
  | { kind: "spawned"; name: string; pid: number | undefined; port?: number }
  | { kind: "ready"; name: string; url: string }
  | { kind: "exited"; name: string; code: number | null; signal: string | null }
  | { kind: "stopping" }
  | { kind: "stopped"; dir: string; removed: boolean };

export interface ClusterOptions {
  /** Gateway processes (default 3). */
  nodes?: number;
  /** Relay processes (default 2; 0 runs none). */
  relays?: number;
  /** Default postgres://postgres@127.0.0.1:5432/roomcast. */
  databaseUrl?: string;
  /** Create the database when missing (default true). */
  createDatabase?: boolean;
  /** Apply prisma/migrations before starting (default true). */
  migrate?: boolean;
  /** Default redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** ROOMCAST_REDIS_PREFIX for every process (default "roomcast"). */
  prefix?: string;
  /** Extra variables for every gateway and relay (override the runner's own). */
  env?: Record<string, string>;
  /** Environment the children inherit (PATH, HOME, …); default: this process's. */
  baseEnv?: NodeJS.ProcessEnv;
  logLevel?: string;
  /** Bound on each readiness wait (default 60 s). */
  readyTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL when stopping a child (default 15 s). */
  stopTimeoutMs?: number;
  /** The mains to run (tests may substitute stand-ins). */
  gatewayMain?: string;
  relayMain?: string;
  /** Overrides of nginx's capacity (default: computed from the CPUs and open-file limit, nginx-limits.ts). */
  nginxLimits?: Partial<FrontDoorLimits>;
  /** Default: `nginx` on PATH, else /usr/sbin/nginx. */
  nginxBinary?: string;
  /** Parent of the run folder (default the OS tmp dir). */
  tmpRoot?: string;
  /** Leave the run folder (logs) in place after `stop()`. */
  keepDir?: boolean;
  onEvent?: (event: ClusterEvent) => void;
  /** Aborting it while starting stops what started and rejects. */
  signal?: AbortSignal;
}

export interface GatewayHandle {
  nodeId: string;
  port: number;
  /** Direct URL of this gateway, bypassing nginx. */
  url: string;
  readonly pid: number | undefined;
  readonly process: ManagedProcess["process"];
  readonly managed: ManagedProcess;
}

export interface RelayHandle {
  nodeId: string;
  readonly pid: number | undefined;
  readonly process: ManagedProcess["process"];
  readonly managed: ManagedProcess;
}

export interface Cluster {
  publicUrl: string;
  dir: string;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  gateways: GatewayHandle[];
  relays: RelayHandle[];
  nginx: ManagedProcess;
  /** nginx access log: `<client> <upstream> <status> "<method> <uri>" sid=… transport=…`. */
  accessLog: string;
  /** nginx's workers, connections, open-file limit and Socket.IO budget for this run. */
  frontDoor: FrontDoorLimits;
  /**
   * Sends `signal` to a gateway or relay by NODE_ID. For SIGTERM, SIGINT, SIGQUIT and
   * SIGKILL it resolves once the process has exited (rejects after `stopTimeoutMs`); for
   * others (SIGSTOP, SIGCONT, …) once the signal is sent.
   */
  kill(nodeId: string, signal?: NodeJS.Signals): Promise<ExitInfo | undefined>;
  /** Stops the process if it runs, starts it again; a gateway is ready (/readyz 200) on return. */
  restart(nodeId: string): Promise<void>;
  /** The tail of every child's log, for a failing test's message. */
  logTails(bytes?: number): string;
  stop(): Promise<void>;
  /** Synchronous SIGKILL of every child (for an exiting runner); no cleanup. */
  killNow(): void;
}
