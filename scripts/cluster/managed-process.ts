/**
 * One child process of the cluster (a gateway, a relay or nginx) that can be started,
 * signalled, stopped and started again under the same name, port and environment.
 *
 * Invariants:
 * - The child runs in its own process group (`detached`), so a Ctrl-C in the terminal
 *   reaches only the runner, which then stops the children in order; nothing else signals
 *   them. The owner must call `stop()` or `killNow()`: a detached child outlives a runner
 *   that dies without doing so.
 * - stdout and stderr go straight to `logFile` (appended across restarts); the runner
 *   holds no pipe, so a chatty child can never block on a full one.
 * - `exited` always settles for the current run: on exit, or on a spawn error.
 * - `stop()` is bounded: SIGTERM (plus SIGCONT, so a SIGSTOPped child can act on it), then
 *   SIGKILL after `graceMs`, then it waits at most KILL_WAIT_MS more.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. the binary is missing). */
  error?: Error;
}

export interface ProcessSpec {
  /** Unique name in the cluster: gateway-1, relay-2, nginx. */
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
}

const KILL_WAIT_MS = 5000;

export class ManagedProcess {
  #child: ChildProcess | undefined;
  #exited: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });
  #running = false;
  readonly #onExit: (name: string, info: ExitInfo) => void;

  constructor(
    readonly spec: ProcessSpec,
    onExit: (name: string, info: ExitInfo) => void = () => undefined,
  ) {
    this.#onExit = onExit;
  }

  get name(): string {
    return this.spec.name;
  }

  /** The current (or last) child; throws before the first `start()`. */
  get process(): ChildProcess {
    if (this.#child === undefined) throw new Error(`${this.name} was never started`);
    return this.#child;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Settles when the current run ends. */
  get exited(): Promise<ExitInfo> {
    return this.#exited;
  }

  start(): void {
    if (this.#running) throw new Error(`${this.name} is already running`);
    const { command, args, env, cwd, logFile } = this.spec;
    const fd = openSync(logFile, "a");
    let child: ChildProcess;
    try {
      child = spawn(command, [...args], { cwd, env, detached: true, stdio: ["ignore", fd, fd] });
    } finally {
      closeSync(fd);
    }
    this.#child = child;
    this.#running = true;
    this.#exited = new Promise<ExitInfo>((resolve) => {
      const done = (info: ExitInfo): void => {
        if (!this.#running || this.#child !== child) return;
        this.#running = false;
        this.#onExit(this.name, info);
        resolve(info);
      };
      child.once("exit", (code, signal) => done({ code, signal }));
      child.once("error", (error) => done({ code: null, signal: null, error }));
    });
  }

  /** Sends a signal to the running child; false when it is not running. */
  signal(signal: NodeJS.Signals): boolean {
    const pid = this.#child?.pid;
    if (!this.#running || pid === undefined) return false;
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Resolves with the exit of the current run, or undefined after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<ExitInfo | undefined> {
    if (!this.#running) return this.#exited;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([this.#exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Resolves with how the child ended. */
  async stop(graceMs: number): Promise<ExitInfo | undefined> {
    if (!this.#running) return this.#exited;
    this.signal("SIGTERM");
    this.signal("SIGCONT");
    const graceful = await this.waitExit(graceMs);
    if (graceful) return graceful;
    this.signal("SIGKILL");
    return this.waitExit(KILL_WAIT_MS);
  }

  /** Synchronous SIGKILL, for a runner that is exiting right now. */
  killNow(): void {
    this.signal("SIGKILL");
  }

  /** The last `bytes` of the log file (empty when there is none yet). */
  logTail(bytes = 4000): string {
    try {
      return readFileSync(this.spec.logFile, "utf8").slice(-bytes);
    } catch {
      return "";
    }
  }
}
