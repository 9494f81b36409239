/**
 * Command-line parsing for every command: node:util parseArgs in strict mode (an unknown
 * option or a missing value is a UsageError), plus `--json` and `--help` on every command,
 * and a check of the number of positional arguments.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./cli-io";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  json: boolean;
  help: boolean;
}

export function parseCommand(args: readonly string[], options: Options, positionals: { min: number; max: number; names: string }): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // Duck-typed: node:util's errors come from another realm under Jest.
    throw new UsageError(typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error));
  }
  const { json, help, ...values } = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const result = { values, positionals: parsed.positionals, json: json === true, help: help === true };
  if (result.help) return result;
  if (parsed.positionals.length < positionals.min) throw new UsageError(`missing ${positionals.names}`);
  if (parsed.positionals.length > positionals.max) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}`);
  return result;
}

/** A string option's value (the last one given), or undefined. */
export function stringOf(values: Parsed["values"], name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string option's values, or undefined when not given. */
export function listOf(values: Parsed["values"], name: string): string[] | undefined {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === "string" ? [value] : undefined;
}

/** An optional positive integer option; `none` means "clear it" (null). */
export function limitOf(values: Parsed["values"], name: string): number | null | undefined {
  const raw = stringOf(values, name);
  if (raw === undefined) return undefined;
  if (raw === "none" || raw === "default") return null;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a positive integer or "default"`);
  return Number(raw);
}
