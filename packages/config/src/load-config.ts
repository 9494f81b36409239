/**
 * Turns an environment (a plain record, so tests pass their own) into a frozen, typed
 * config, or throws a ConfigError naming every bad key. Development without a JWT secret
 * falls back to DEV_JWT_SECRET and reports a warning for the caller to log.
 */
import { defaultNodeId, envSchema, KNOWN_KEYS, type Env } from "./schema";

/** Documented in the README; valid only when NODE_ENV is not `production`. */
export const DEV_JWT_SECRET = "roomcast-development-secret-do-not-use-in-production";

/** The Admin UI password outside production when no hash is configured (README). */
export const DEV_ADMIN_PASSWORD = "roomcast-dev";

export type JwtKey =
  | { kind: "secret"; secret: string; algorithms: ["HS256"] }
  | { kind: "public-key"; publicKey: string; algorithms: ["RS256", "ES256"] };

export interface Config {
  env: Env["NODE_ENV"];
  logLevel: Env["LOG_LEVEL"];
  port: number;
  host: string;
  nodeId: string;
  /** `url` for one Redis, `clusterNodes` for a Redis Cluster (exactly one of the two is set). */
  redis:
    | {
        url: string | undefined;
        clusterNodes: ReadonlyArray<{ host: string; port: number }> | undefined;
        commandTimeoutMs: number;
        adapter: "sharded" | "classic";
        subscriptionMode: Env["ROOMCAST_REDIS_SUBSCRIPTION_MODE"];
        prefix: string;
      }
    | undefined;
  redisPrefix: string;
  jwt: { key: JwtKey; issuer: string | undefined; audience: string | undefined };
  allowedOrigins: readonly string[];
  limits: {
    maxPayloadBytes: number;
    maxHttpBodyBytes: number;
    rateLimitEvents: number;
    rateLimitWindowSeconds: number;
    maxConnectionsPerIp: number;
    rateLimitWarnings: number;
    tenantMaxConnections: number;
    tenantEventsPerSecond: number;
  };
  /** Revocations (of a user's or a chat session's tokens) are kept this long. */
  revocationTtlSeconds: number;
  trustProxy: boolean;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  database: { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };
  relay: {
    mode: "inline" | "off";
    pollIntervalMs: number;
    batchSize: number;
    maxAttempts: number;
    retentionMs: number;
    retentionMaxPerStream: number;
  };
  replayLimit: number;
  maxBufferedBytes: number;
  shutdownTimeoutMs: number;
  /** Port of a relay process's metrics server; undefined: none. */
  metricsPort: number | undefined;
  chat: { demoSeed: boolean; visitorTokenTtlSeconds: number; consoleTokenTtlSeconds: number; analyticsIntervalMs: number };
  /** Undefined when the Admin UI is off. `passwordHash` undefined means the development password. */
  admin: { user: string; passwordHash: string | undefined; readonly: boolean; mode: "development" | "production" } | undefined;
}

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
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push(`${issue.path.join(".")}: ${issue.message}`);
  }
  if (issues.length > 0 || !parsed.success) throw new ConfigError(issues);
  const env = parsed.data;

  if (env.REDIS_URL !== undefined && env.REDIS_CLUSTER_NODES !== undefined) {
    throw new ConfigError(["REDIS_CLUSTER_NODES: set either REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both"]);
  }
  if (env.REDIS_CLUSTER_NODES !== undefined && env.ROOMCAST_REDIS_ADAPTER !== "sharded") {
    throw new ConfigError(["ROOMCAST_REDIS_ADAPTER: a Redis Cluster needs the sharded adapter (SSUBSCRIBE/SPUBLISH)"]);
  }

  const warnings: string[] = [];
  let key: JwtKey;
  if (env.ROOMCAST_JWT_PUBLIC_KEY !== undefined) {
    key = { kind: "public-key", publicKey: env.ROOMCAST_JWT_PUBLIC_KEY, algorithms: ["RS256", "ES256"] };
  } else if (env.ROOMCAST_JWT_SECRET !== undefined) {
    key = { kind: "secret", secret: env.ROOMCAST_JWT_SECRET, algorithms: ["HS256"] };
  } else if (env.NODE_ENV === "production") {
    throw new ConfigError(["ROOMCAST_JWT_SECRET: required in production (or set ROOMCAST_JWT_PUBLIC_KEY)"]);
  } else {
    key = { kind: "secret", secret: DEV_JWT_SECRET, algorithms: ["HS256"] };
    warnings.push("ROOMCAST_JWT_SECRET is not set: using the public development secret; never do this in production");
  }

  if (env.ROOMCAST_ADMIN_UI === "on" && env.ROOMCAST_ADMIN_PASSWORD_HASH === undefined) {
    if (env.NODE_ENV === "production") {
      throw new ConfigError(["ROOMCAST_ADMIN_PASSWORD_HASH: required in production while ROOMCAST_ADMIN_UI=on"]);
    }
    warnings.push(`ROOMCAST_ADMIN_PASSWORD_HASH is not set: the Admin UI accepts the development password "${DEV_ADMIN_PASSWORD}"`);
  }

  const config: Config = {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    port: env.PORT,
    host: env.HOST,
    nodeId: env.NODE_ID ?? defaultNodeId(),
    redis:
      env.REDIS_URL === undefined && env.REDIS_CLUSTER_NODES === undefined
        ? undefined
        : {
            url: env.REDIS_URL,
            clusterNodes: env.REDIS_CLUSTER_NODES?.map(parseHostPort),
            commandTimeoutMs: env.ROOMCAST_REDIS_COMMAND_TIMEOUT_MS,
            adapter: env.ROOMCAST_REDIS_ADAPTER,
            subscriptionMode: env.ROOMCAST_REDIS_SUBSCRIPTION_MODE,
            prefix: env.ROOMCAST_REDIS_PREFIX,
          },
    redisPrefix: env.ROOMCAST_REDIS_PREFIX,
    jwt: { key, issuer: env.ROOMCAST_JWT_ISSUER, audience: env.ROOMCAST_JWT_AUDIENCE },
    allowedOrigins: env.ROOMCAST_ALLOWED_ORIGINS,
    limits: {
      maxPayloadBytes: env.ROOMCAST_MAX_PAYLOAD_BYTES,
      maxHttpBodyBytes: env.ROOMCAST_MAX_HTTP_BODY_BYTES,
      rateLimitEvents: env.ROOMCAST_RATE_LIMIT_EVENTS,
      rateLimitWindowSeconds: env.ROOMCAST_RATE_LIMIT_WINDOW_SECONDS,
      maxConnectionsPerIp: env.ROOMCAST_MAX_CONNECTIONS_PER_IP,
      rateLimitWarnings: env.ROOMCAST_RATE_LIMIT_WARNINGS,
      tenantMaxConnections: env.ROOMCAST_TENANT_MAX_CONNECTIONS,
      tenantEventsPerSecond: env.ROOMCAST_TENANT_EVENTS_PER_SECOND,
    },
    revocationTtlSeconds: env.ROOMCAST_REVOCATION_TTL_SECONDS,
    trustProxy: env.ROOMCAST_TRUST_PROXY,
    pingIntervalMs: env.ROOMCAST_PING_INTERVAL_MS,
    pingTimeoutMs: env.ROOMCAST_PING_TIMEOUT_MS,
    database: env.DATABASE_URL === undefined ? { kind: "pglite", dataDir: env.ROOMCAST_DATA_DIR } : { kind: "postgres", url: env.DATABASE_URL },
    relay: {
      mode: env.ROOMCAST_RELAY,
      pollIntervalMs: env.ROOMCAST_RELAY_POLL_MS,
      batchSize: env.ROOMCAST_RELAY_BATCH_SIZE,
      maxAttempts: env.ROOMCAST_RELAY_MAX_ATTEMPTS,
      retentionMs: env.ROOMCAST_RETENTION_HOURS * 3_600_000,
      retentionMaxPerStream: env.ROOMCAST_RETENTION_MAX_PER_STREAM,
    },
    replayLimit: env.ROOMCAST_REPLAY_LIMIT,
    maxBufferedBytes: env.ROOMCAST_MAX_BUFFERED_BYTES,
    shutdownTimeoutMs: env.ROOMCAST_SHUTDOWN_TIMEOUT_MS,
    metricsPort: env.ROOMCAST_METRICS_PORT,
    chat: {
      demoSeed: env.ROOMCAST_DEMO_SEED === undefined ? env.NODE_ENV === "development" : env.ROOMCAST_DEMO_SEED === "on",
      visitorTokenTtlSeconds: env.ROOMCAST_VISITOR_TOKEN_TTL_SECONDS,
      consoleTokenTtlSeconds: env.ROOMCAST_CONSOLE_TOKEN_TTL_SECONDS,
      analyticsIntervalMs: env.ROOMCAST_ANALYTICS_INTERVAL_MS,
    },
    admin: env.ROOMCAST_ADMIN_UI === "off" ? undefined : {
      user: env.ROOMCAST_ADMIN_USER,
      passwordHash: env.ROOMCAST_ADMIN_PASSWORD_HASH,
      readonly: env.ROOMCAST_ADMIN_READONLY,
      // Production mode everywhere unless asked: development mode mirrors every packet to the UI.
      mode: env.ROOMCAST_ADMIN_MODE ?? "production",
    },
  };
  return { config: deepFreeze(config), warnings };
}

function parseHostPort(node: string): { host: string; port: number } {
  const at = node.lastIndexOf(":");
  return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === "object" && !Object.isFrozen(child)) deepFreeze(child as object);
  }
  return Object.freeze(value);
}
