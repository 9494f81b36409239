/**
 * What a CLI command may touch of the outside world, so run-cli.ts can be driven by a
 * test with fakes: output streams, standard input, the environment and the OS user.
 * roomcast.ts (the entry) hands the real process's.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** All of standard input, as text (for --password-stdin and hash-password). */
  readStdin(): Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  /** The OS user running the command (named in audit lines). */
  user: string;
}

/** A mistake in the command line or its values: exit code 2, message on stderr, nothing changed. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure at run time (database unreachable or locked, gateway refused): exit code 1. */
export class CliFailure extends Error {
  override name = "CliFailure";
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
