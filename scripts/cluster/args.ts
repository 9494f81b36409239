/**
 * Command line of `npm run cluster`: flags win over the environment, the environment over
 * the defaults. Pure (the caller passes argv and env), so a test can check every rule.
 */
import { parseArgs } from "node:util";
import type { ClusterOptions } from "./cluster-types";

export const USAGE = `usage: npm run cluster -- [--nodes N] [--relays M] [--prefix P]
                          [--database-url URL] [--redis-url URL] [--log-level L] [--keep-logs]
  --nodes        gateway processes (default 3)
  --relays       relay processes (default 2)
  --prefix       ROOMCAST_REDIS_PREFIX for every process (default roomcast)
  --database-url default DATABASE_URL, else postgres://postgres@127.0.0.1:5432/roomcast (created if missing)
  --redis-url    default REDIS_URL, else redis://127.0.0.1:6379
  --log-level    LOG_LEVEL of the children (default LOG_LEVEL, else info)
  --keep-logs    keep the run folder with the children's logs after stopping`;

export type ParsedArgs = { help: true } | { help: false; options: ClusterOptions };

function count(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 64) {
    throw new Error(`--${name} must be an integer from ${min} to 64, got "${value}"`);
  }
  return Number(value);
}

export function parseClusterArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      nodes: { type: "string" },
      relays: { type: "string" },
      prefix: { type: "string" },
      "database-url": { type: "string" },
      "redis-url": { type: "string" },
      "log-level": { type: "string" },
      "keep-logs": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) return { help: true };
  const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === "" ? undefined : value);
  const prefix = values.prefix ?? nonEmpty(env.ROOMCAST_REDIS_PREFIX);
  if (prefix !== undefined && !/^[A-Za-z0-9_.:-]{1,64}$/.test(prefix)) throw new Error(`--prefix must match [A-Za-z0-9_.:-]{1,64}, got "${prefix}"`);
  const databaseUrl = values["database-url"] ?? nonEmpty(env.DATABASE_URL);
  const redisUrl = values["redis-url"] ?? nonEmpty(env.REDIS_URL);
  const logLevel = values["log-level"] ?? nonEmpty(env.LOG_LEVEL);
  return {
    help: false,
    options: {
      nodes: count("nodes", values.nodes, 3, 1),
      relays: count("relays", values.relays, 2, 0),
      ...(prefix === undefined ? {} : { prefix }),
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
      ...(redisUrl === undefined ? {} : { redisUrl }),
      ...(logLevel === undefined ? {} : { logLevel }),
      ...(values["keep-logs"] === true ? { keepDir: true } : {}),
    },
  };
}
