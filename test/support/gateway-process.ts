/**
 * Runs `apps/gateway/src/main.ts` — exactly what `npm start` runs — as a child process on
 * a free loopback port, and waits for /readyz. Used for the single-node default (PGlite,
 * relay in-process), which owns its database and so cannot share it with the test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort, until, waitFor } from "@roomcast/gateway/testing";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `compiled`: run what `npm run build` wrote (`node apps/gateway/dist/main.js`, as `npm run start:prod`) instead. */
export async function startGatewayProcess(env: Record<string, string>, readyTimeoutMs = 60_000, options: { compiled?: boolean } = {}): Promise<GatewayProcess> {
  const port = await freePort();
  const args = options.compiled === true ? [path.join(REPO_ROOT, "apps/gateway/dist/main.js")] : ["--import", "tsx", path.join(REPO_ROOT, "apps/gateway/src/main.ts")];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode !== null) return child.exitCode;
    const exited = waitFor<number | null>("the gateway process to exit", 15_000, (resolve) => {
      child.once("exit", (code) => resolve(code));
    });
    child.kill(signal);
    return exited;
  };
  try {
    await until(`gateway process on ${url} to be ready`, readyTimeoutMs, async () => {
      if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}:\n${output}`);
      return fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    }, 100);
  } catch (error) {
    await stop("SIGKILL");
    throw error;
  }
  return { url, child, output: () => output, stop };
}
