/**
 * The real process behind a CLI run: its streams, stdin, environment and OS user, and
 * `runMain`, which runs a command line and sets the exit code (the entry files call it).
 */
import { userInfo } from "node:os";
import type { CliIo } from "./cli-io";
import { runCli } from "./run-cli";

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid:${process.getuid?.() ?? "unknown"}`;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    readStdin,
    env: process.env,
    user: osUser(),
  };
}

/** Runs `argv` and exits with its code once stdout and stderr are flushed. */
export function runMain(argv: readonly string[]): void {
  void runCli(argv, processIo()).then((code) => {
    process.exitCode = code;
  });
}
