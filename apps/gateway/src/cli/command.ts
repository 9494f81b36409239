/** One `roomcast <command>`: its usage text and what it runs (resolving to the exit code). */
import type { CliContext } from "./cli-context";
import { parseCommand, type Parsed } from "./cli-args";
import { UsageError } from "./cli-io";

export interface Command {
  name: string;
  /** One line for `roomcast help`. */
  summary: string;
  /** The full usage, printed by `--help` and after a usage error. */
  usage: string;
  run(ctx: CliContext, args: readonly string[]): Promise<number>;
}

/** A command with subcommands (`tenant create|list|update`): the first argument picks one. */
export function group(name: string, summary: string, subcommands: Record<string, Omit<Command, "name" | "summary">>): Command {
  const usage = Object.values(subcommands)
    .map((sub) => sub.usage)
    .join("\n");
  return {
    name,
    summary,
    usage,
    async run(ctx, args) {
      const [which, ...rest] = args;
      if (which === undefined) throw new UsageError(`missing a subcommand: ${Object.keys(subcommands).join(", ")}\n${usage}`);
      if (which === "--help" || which === "-h" || which === "help") {
        ctx.io.out(`${usage}\n`);
        return 0;
      }
      const sub = subcommands[which];
      if (sub === undefined) throw new UsageError(`unknown command "${name} ${which}"; expected one of: ${Object.keys(subcommands).join(", ")}\n${usage}`);
      return sub.run(ctx, rest);
    },
  };
}

/** Parses the arguments of a (sub)command; `--help` prints its usage and gives undefined. */
export function parseOrHelp(ctx: CliContext, usage: string, args: readonly string[], ...spec: SpecArgs): Parsed | undefined {
  let parsed: Parsed;
  try {
    parsed = parseCommand(args, ...spec);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${error.message}\n${usage}`);
    throw error;
  }
  if (!parsed.help) return parsed;
  ctx.io.out(`${usage}\n`);
  return undefined;
}

type SpecArgs = Parameters<typeof parseCommand> extends [unknown, ...infer R] ? R : never;
