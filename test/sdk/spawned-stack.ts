/**
 * Starts stack-process.ts and waits (bounded) for its line: the gateway's URL and the
 * tokens asked for. `stop()` closes its stdin, which makes it tear the stack down, and
 * waits for it to exit. Loads nothing of the server, so a jsdom test can use it.
 */
import { spawn } from "node:child_process";
import path from "node:path";

export interface SpawnedStack<Names extends string> {
  url: string;
  tokens: Record<Names, string>;
  stop(): Promise<void>;
}

const REPO_ROOT = path.resolve(__dirname, "../..");

export function spawnStack<Names extends string>(tokens: Record<Names, { sub: string; role: string }>, timeoutMs = 60_000): Promise<SpawnedStack<Names>> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "stack-process.ts"), JSON.stringify(tokens)], {
    cwd: REPO_ROOT,
    env: process.env,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    child.stdin.end();
    await exited;
  };
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out after ${timeoutMs} ms waiting for the stack process to be ready`));
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n")[0];
      if (!output.includes("\n") || line === undefined) return;
      clearTimeout(timer);
      const ready = JSON.parse(line) as { url: string; tokens: Record<Names, string> };
      resolve({ ...ready, stop });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the stack process exited with ${code} before it was ready`));
    });
  });
}
