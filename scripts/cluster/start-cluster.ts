/**
 * `startCluster(options)`: the issue-4 topology as plain processes on this machine —
 * N gateways (NODE_ID gateway-1..N, ROOMCAST_RELAY=off, each on its own loopback port),
 * M relay processes (relay-1..M), and Debian's nginx in front on a free loopback port —
 * sharing one PostgreSQL database and one Redis under one key prefix.
 *
 * Lifecycle: ensure the database exists → migrate it → spawn relays and gateways → wait
 * until every gateway's /readyz answers 200 → render nginx's config and start it → wait
 * until nginx answers /healthz → resolve. Any failure on the way stops whatever started,
 * removes the run folder and rejects with the tail of every child's log.
 *
 * Invariants: every wait is bounded; `stop()` is idempotent, stops nginx first, then the
 * gateways (SIGTERM: they drain) and relays, SIGKILLs whatever outlives `stopTimeoutMs`,
 * and removes the run folder unless `keepDir`. A gateway keeps its port across `restart`,
 * so nginx's upstream list stays right. Nothing here prints; progress goes to `onEvent`.
 */
import { mkdirSync, mkdtempSync, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { envSchema } from "@roomcast/config";
import { migrate } from "@roomcast/db";
import { DEFAULT_DATABASE_URL, ensureDatabase } from "./database";
import { freePorts } from "./free-port";
import type { Cluster, ClusterOptions, GatewayHandle, RelayHandle } from "./cluster-types";
import { ManagedProcess, type ExitInfo } from "./managed-process";
import { spawnLocalNginx } from "./local-nginx";
import { findNginx } from "./nginx-config";
import { frontDoorLimits, probeFrontDoorHost } from "./nginx-limits";
import { waitForStatus } from "./readiness";

export type { Cluster, ClusterEvent, ClusterOptions, GatewayHandle, RelayHandle } from "./cluster-types";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const GATEWAY_MAIN = path.join(REPO_ROOT, "apps/gateway/src/main.ts");
export const RELAY_MAIN = path.join(REPO_ROOT, "apps/relay/src/main.ts");
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
export const DEFAULT_PREFIX = "roomcast";

const TERMINATING: ReadonlySet<NodeJS.Signals> = new Set(["SIGTERM", "SIGINT", "SIGQUIT", "SIGKILL"]);

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const nodes = options.nodes ?? 3;
  const relayCount = options.relays ?? 2;
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`nodes must be a positive integer, got ${nodes}`);
  if (!Number.isInteger(relayCount) || relayCount < 0) throw new Error(`relays must be a non-negative integer, got ${relayCount}`);
  const databaseUrl = options.databaseUrl ?? DEFAULT_DATABASE_URL;
  const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const emit = options.onEvent ?? (() => undefined);
  const baseEnv = options.baseEnv ?? process.env;
  // Before anything starts: a missing nginx should not cost a migration and N gateways.
  const nginxBinary = options.nginxBinary ?? findNginx(baseEnv.PATH);
  const frontDoor = frontDoorLimits(probeFrontDoorHost(), options.nginxLimits);
  // nginx's Socket.IO read timeout follows the heartbeat the gateways get.
  const pingIntervalMs = envSchema.shape.ROOMCAST_PING_INTERVAL_MS.parse(options.env?.ROOMCAST_PING_INTERVAL_MS ?? baseEnv.ROOMCAST_PING_INTERVAL_MS);

  const dir = mkdtempSync(path.join(options.tmpRoot ?? tmpdir(), "roomcast-cluster-"));
  // nginx started as root hands its workers to an unprivileged user, which must reach the
  // temp folders inside (created and chowned by nginx itself); 0711 lets it pass, not list.
  chmodSync(dir, 0o711);
  const logDir = path.join(dir, "logs");
  mkdirSync(logDir);
  mkdirSync(path.join(dir, "nginx-temp"));

  const children: ManagedProcess[] = [];
  // The children are detached, so nothing else ends them if this process dies without
  // `stop()` (an uncaught exception in a test, a runner bug): SIGKILL them on the way out.
  // This is the one place the library touches `process`; `stop()` removes the hook.
  const killOnExit = (): void => {
    for (const child of children) child.killNow();
  };
  process.once("exit", killOnExit);
  const onExit = (name: string, info: ExitInfo): void =>
    emit({ kind: "exited", name, code: info.code, signal: info.signal ?? (info.error ? info.error.message : null) });
  const tsx = pathToFileURL(require.resolve("tsx")).href;
  const common = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    ROOMCAST_REDIS_PREFIX: prefix,
    LOG_LEVEL: options.logLevel ?? "info",
  };
  const nodeProcess = (name: string, main: string, env: Record<string, string>): ManagedProcess => {
    const managed = new ManagedProcess(
      {
        name,
        command: process.execPath,
        args: ["--import", tsx, main],
        env: { ...baseEnv, ...common, ...env, ...options.env, NODE_ID: name },
        cwd: REPO_ROOT,
        logFile: path.join(logDir, `${name}.log`),
      },
      onExit,
    );
    children.push(managed);
    return managed;
  };

  let stopping: Promise<void> | undefined;
  let nginx: ManagedProcess | undefined;
  const gateways: GatewayHandle[] = [];
  const relays: RelayHandle[] = [];

  const logTails = (bytes = 3000): string =>
    children.map((c) => `----- ${c.name} (${c.spec.logFile}) -----\n${c.logTail(bytes) || "(empty)"}`).join("\n");

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      emit({ kind: "stopping" });
      if (nginx) await nginx.stop(stopTimeoutMs);
      await Promise.all(gateways.map((g) => g.managed.stop(stopTimeoutMs)));
      await Promise.all(relays.map((r) => r.managed.stop(stopTimeoutMs)));
      process.removeListener("exit", killOnExit);
      const removed = options.keepDir !== true;
      if (removed) rmSync(dir, { recursive: true, force: true });
      emit({ kind: "stopped", dir, removed });
    })();
    return stopping;
  };

  const aborted = new Promise<never>((_, reject) => {
    const signal = options.signal;
    if (signal?.aborted) reject(new Error("start aborted"));
    signal?.addEventListener("abort", () => reject(new Error("start aborted")), { once: true });
  });
  aborted.catch(() => undefined);
  /** `work`, unless the start is aborted first. */
  const abortable = <T>(work: Promise<T>): Promise<T> => Promise.race([work, aborted]);

  /** Rejects as soon as any of `watched` exits (naming it) or the start is aborted. */
  const anyExit = (watched: readonly ManagedProcess[]): Promise<never> => {
    const settled = Promise.race([
      aborted,
      ...watched.map((c) =>
        c.exited.then((info): never => {
          throw new Error(`${c.name} exited (code ${info.code}, signal ${info.signal}${info.error ? `, ${info.error.message}` : ""})`);
        }),
      ),
    ]);
    settled.catch(() => undefined);
    return settled;
  };

  const waitGatewayReady = async (gateway: GatewayHandle): Promise<void> => {
    await waitForStatus(`${gateway.url}/readyz`, { timeoutMs: readyTimeoutMs, abort: anyExit([gateway.managed]) });
    emit({ kind: "ready", name: gateway.nodeId, url: gateway.url });
  };

  try {
    if (options.createDatabase !== false) {
      const { created, name } = await abortable(ensureDatabase(databaseUrl));
      emit({ kind: "database", name, created });
    }
    if (options.migrate !== false) {
      const { applied } = await abortable(migrate({ databaseUrl }, options.signal ? { signal: options.signal } : {}));
      emit({ kind: "migrated", applied });
    }

    const [publicPort, ...gatewayPorts] = await freePorts(nodes + 1);
    if (publicPort === undefined) throw new Error("no free port for nginx");

    for (let i = 1; i <= relayCount; i++) {
      const managed = nodeProcess(`relay-${i}`, options.relayMain ?? RELAY_MAIN, {});
      relays.push({
        nodeId: managed.name,
        managed,
        get pid() {
          return managed.pid;
        },
        get process() {
          return managed.process;
        },
      });
    }
    gatewayPorts.forEach((port, index) => {
      const managed = nodeProcess(`gateway-${index + 1}`, options.gatewayMain ?? GATEWAY_MAIN, {
        PORT: String(port),
        HOST: "127.0.0.1",
        ROOMCAST_RELAY: "off",
        ROOMCAST_TRUST_PROXY: "true",
      });
      gateways.push({
        nodeId: managed.name,
        port,
        url: `http://127.0.0.1:${port}`,
        managed,
        get pid() {
          return managed.pid;
        },
        get process() {
          return managed.process;
        },
      });
    });
    for (const child of children) {
      child.start();
      const port = gateways.find((g) => g.managed === child)?.port;
      emit({ kind: "spawned", name: child.name, pid: child.pid, ...(port === undefined ? {} : { port }) });
    }
    await Promise.all(gateways.map(waitGatewayReady));

    const started = spawnLocalNginx({
      binary: nginxBinary,
      dir,
      port: publicPort,
      upstreamPorts: gatewayPorts,
      limits: frontDoor,
      pingIntervalMs,
      env: baseEnv,
      onExit,
    });
    nginx = started.managed;
    children.push(nginx);
    emit({ kind: "spawned", name: "nginx", pid: nginx.pid, port: publicPort });
    const publicUrl = `http://127.0.0.1:${publicPort}`;
    await waitForStatus(`${publicUrl}/healthz`, { timeoutMs: readyTimeoutMs, abort: anyExit([nginx]) });
    emit({ kind: "ready", name: "nginx", url: publicUrl });

    const find = (nodeId: string): ManagedProcess => {
      const found = [...gateways.map((g) => g.managed), ...relays.map((r) => r.managed)].find((c) => c.name === nodeId);
      if (!found) throw new Error(`no gateway or relay named ${nodeId}`);
      return found;
    };

    return {
      publicUrl,
      dir,
      databaseUrl,
      redisUrl,
      prefix,
      gateways,
      relays,
      nginx,
      accessLog: started.accessLog,
      frontDoor,
      async kill(nodeId, signal = "SIGKILL") {
        const child = find(nodeId);
        if (!child.signal(signal)) throw new Error(`${nodeId} is not running`);
        if (signal === "SIGTERM" || signal === "SIGINT" || signal === "SIGQUIT") child.signal("SIGCONT");
        if (!TERMINATING.has(signal)) return undefined;
        const info = await child.waitExit(stopTimeoutMs);
        if (!info) throw new Error(`${nodeId} did not exit within ${stopTimeoutMs} ms of ${signal}`);
        return info;
      },
      async restart(nodeId) {
        const child = find(nodeId);
        await child.stop(stopTimeoutMs);
        child.start();
        emit({ kind: "spawned", name: child.name, pid: child.pid });
        const gateway = gateways.find((g) => g.managed === child);
        if (gateway) await waitGatewayReady(gateway);
      },
      logTails,
      stop,
      killNow: killOnExit,
    };
  } catch (error) {
    const tails = logTails();
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`cluster failed to start: ${message}\n${tails}`, { cause: error });
  }
}
