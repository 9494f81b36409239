/**
 * Starts Debian's nginx with the rendered local config in a run folder: the cluster runner
 * puts it in front of the gateways, the front-door benchmark in front of plain Socket.IO
 * servers too, so both sides of a comparison pass through the same config.
 *
 * Writes `<dir>/nginx.conf`, creates `logs/` and `nginx-temp/` when missing, and starts the
 * process (foreground, its own process group, output in `logs/nginx.log`). It does not
 * wait: the caller waits for `<url>/healthz` with a bound and stops the process.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ManagedProcess, type ExitInfo } from "./managed-process";
import { renderLocalNginxConfig } from "./nginx-config";
import type { FrontDoorLimits } from "./nginx-limits";

export interface LocalNginxSpec {
  binary: string;
  /** Absolute run folder. */
  dir: string;
  port: number;
  upstreamPorts: readonly number[];
  limits: FrontDoorLimits;
  pingIntervalMs: number;
  env: NodeJS.ProcessEnv;
  onExit?: (name: string, info: ExitInfo) => void;
}

export interface LocalNginx {
  managed: ManagedProcess;
  url: string;
  confFile: string;
  accessLog: string;
  errorLog: string;
}

export function spawnLocalNginx(spec: LocalNginxSpec): LocalNginx {
  const logDir = path.join(spec.dir, "logs");
  mkdirSync(logDir, { recursive: true });
  mkdirSync(path.join(spec.dir, "nginx-temp"), { recursive: true });
  const confFile = path.join(spec.dir, "nginx.conf");
  writeFileSync(
    confFile,
    renderLocalNginxConfig({ dir: spec.dir, port: spec.port, upstreamPorts: spec.upstreamPorts, limits: spec.limits, pingIntervalMs: spec.pingIntervalMs }),
  );
  const errorLog = path.join(logDir, "nginx-error.log");
  const managed = new ManagedProcess(
    { name: "nginx", command: spec.binary, args: ["-p", spec.dir, "-e", errorLog, "-c", confFile], env: { ...spec.env }, cwd: spec.dir, logFile: path.join(logDir, "nginx.log") },
    spec.onExit,
  );
  managed.start();
  return { managed, url: `http://127.0.0.1:${spec.port}`, confFile, accessLog: path.join(logDir, "nginx-access.log"), errorLog };
}
