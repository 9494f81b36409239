/**
 * Runs the operator CLI as an operator does — `node apps/gateway/bin/roomcast.js …`, the
 * package's `bin` (what `npm run -s roomcast --` and `roomcast` in the image run) — as a
 * child process with its own environment, optional standard input, and a bounded time.
 */
import { spawn } from "node:child_process";
import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(REPO_ROOT, "apps/gateway/bin/roomcast.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function roomcast(args: readonly string[], env: Record<string, string>, options: { stdin?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", ...env },
      stdio: ["pipe", "pipe", "pipe"],
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (signal !== null) reject(new Error(`roomcast ${args.join(" ")} was killed by ${signal} (timeout?)\n${stderr}`));
      else resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? "");
  });
}

/** Runs it and expects exit 0; returns stdout parsed as JSON when `--json` is among the args. */
export async function roomcastOk(args: readonly string[], env: Record<string, string>, options: { stdin?: string } = {}): Promise<CliRun & { json: unknown }> {
  const run = await roomcast(args, env, options);
  if (run.code !== 0) throw new Error(`roomcast ${args.join(" ")} exited ${run.code}:\n${run.stderr}`);
  return { ...run, json: args.includes("--json") ? (JSON.parse(run.stdout) as unknown) : undefined };
}

/** The audit lines a run wrote on stderr. */
export function auditLines(run: CliRun): Array<Record<string, unknown>> {
  return run.stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.audit === true);
}
