/**
 * Turns an environment (a plain record, so tests pass their own) into a frozen, typed
 * config (`configSchema` in schema.ts, the one place options are defined and shaped), or
 * throws a ConfigError naming every bad key. Development without a JWT secret falls back
 * to DEV_JWT_SECRET and reports a warning for the caller to log.
 */
import { configSchema, DEV_ADMIN_PASSWORD, KNOWN_KEYS, type Config } from "./schema";

export { DEV_ADMIN_PASSWORD, DEV_JWT_SECRET, type Config, type JwtKey } from "./schema";

export interface LoadedConfig {
  config: Readonly<Config>;
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(source: Record<string, string | undefined>): LoadedConfig {
  const issues = Object.keys(source)
    .filter((key) => key.startsWith("ROOMCAST_") && !KNOWN_KEYS.has(key))
    .map((key) => `${key}: unknown setting`);
  // Empty strings mean "unset" (a blank line in an .env file), not "invalid".
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push(`${issue.path.join(".")}: ${issue.message}`);
  }
  if (issues.length > 0 || !parsed.success) throw new ConfigError(issues);
  const config = parsed.data;

  const warnings: string[] = [];
  if (present.ROOMCAST_JWT_PUBLIC_KEY === undefined && present.ROOMCAST_JWT_SECRET === undefined) {
    warnings.push("ROOMCAST_JWT_SECRET is not set: using the public development secret; never do this in production");
  }
  if (config.admin !== undefined && config.admin.passwordHash === undefined) {
    warnings.push(`ROOMCAST_ADMIN_PASSWORD_HASH is not set: the Admin UI accepts the development password "${DEV_ADMIN_PASSWORD}"`);
  }
  return { config: deepFreeze(config), warnings };
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === "object" && !Object.isFrozen(child)) deepFreeze(child as object);
  }
  return Object.freeze(value);
}
