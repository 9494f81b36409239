/**
 * `roomcast <command> …`: picks the command, runs it, and turns what it throws into the
 * exit code and one clear message on stderr:
 *   0  done;
 *   2  bad input — a usage error, an invalid value, an unknown tenant/user/event, a
 *      forbidden change, or a bad configuration (nothing was changed);
 *   1  a failure at run time — the database unreachable, locked by a running gateway or
 *      not migrated, a gateway that refused or did not answer.
 * Changes write their audit line (JSON, `audit: true`) on stderr; output goes to stdout
 * (one JSON document with `--json`).
 */
import { ManageError } from "../manage/manage-error";
import { createCliContext } from "./cli-context";
import { CliFailure, EXIT, UsageError, type CliIo } from "./cli-io";
import type { Command } from "./command";
import { COMMANDS } from "./commands";

const BAD_INPUT_CODES = new Set(["invalid", "not_found", "forbidden", "payload_too_large"]);

function help(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "usage: roomcast <command> [options]   (from a checkout: npm run -s roomcast -- <command> [options])\n\n",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n`),
    "\nroomcast <command> --help shows a command's options. The database is DATABASE_URL, or the embedded folder ROOMCAST_DATA_DIR.\n",
  ].join("");
}

export async function runCli(argv: readonly string[], io: CliIo, commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? io.err : io.out)(help(commands));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`roomcast: unknown command "${name}"\n${help(commands)}`);
    return EXIT.usage;
  }
  try {
    return await command.run(createCliContext(io), args);
  } catch (error) {
    const { code, message } = classify(error);
    io.err(`roomcast ${name}: ${message.trimEnd()}\n`);
    return code;
  }
}

function classify(error: unknown): { code: number; message: string } {
  if (error instanceof UsageError) return { code: EXIT.usage, message: error.message };
  if (error instanceof ManageError) {
    const refused = Array.isArray(error.details?.refused) ? (error.details.refused as Array<{ id: string; reason: string }>) : [];
    const detail = refused.length > 0 ? `\n${refused.map((r) => `  ${r.id}: ${r.reason}`).join("\n")}` : "";
    return { code: BAD_INPUT_CODES.has(error.code) ? EXIT.usage : EXIT.failure, message: `${error.message} (${error.code})${detail}` };
  }
  if (error instanceof CliFailure) return { code: EXIT.failure, message: error.message };
  const prismaCode = typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : "";
  if (prismaCode === "P2021" || prismaCode === "P2022") {
    return { code: EXIT.failure, message: "the database is not migrated to this version of Roomcast: run `roomcast migrate` first" };
  }
  return { code: EXIT.failure, message: `failed: ${error instanceof Error ? error.message : String(error)}` };
}
