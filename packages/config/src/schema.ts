/**
 * The one schema of Roomcast's environment, and the one place it becomes the nested,
 * typed `Config`. Every option sits in `envSchema` with its default and its unit; nothing
 * else in the code base reads `process.env`. `configSchema` is `envSchema` plus one
 * transform (`toConfig`) to the shape the code uses, with the checks that span several
 * keys; `Config` is its `z.output`, so a new option is one line in `envSchema`, one line
 * in `toConfig`, and its use. Unknown `ROOMCAST_*` keys are refused by `loadConfig` so a
 * typo stops start-up instead of being ignored.
 */
import { hostname } from "node:os";
import { z } from "zod";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const list = z
  .string()
  .transform((v) => v.split(",").map((s) => s.trim()).filter((s) => s.length > 0));

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** TCP port of the HTTP + Socket.IO server; 0 picks a free one. */
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    /** This node's name in logs, metrics and the Admin UI; default `<hostname>-<pid>`. */
    NODE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/).optional(),

    /** Unset: the in-memory adapter (one node). Set: the Redis adapter (a cluster). */
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    /** Instead of REDIS_URL: seed nodes of a Redis Cluster, `host:port,host:port` (sharded adapter only). */
    REDIS_CLUSTER_NODES: list.pipe(z.array(z.string().regex(/^[A-Za-z0-9_.-]+:\d{1,5}$/, "must be host:port")).min(1)).optional(),
    /** Longest any Redis command may take before it fails, in milliseconds (a Redis that stops answering). */
    ROOMCAST_REDIS_COMMAND_TIMEOUT_MS: int(50, 60_000).default(1000),
    /** `sharded` uses SSUBSCRIBE/SPUBLISH (Redis 7+); `classic` uses PUBLISH/PSUBSCRIBE. */
    ROOMCAST_REDIS_ADAPTER: z.enum(["sharded", "classic"]).default("sharded"),
    /** Sharded adapter only: `dynamic` gives each public room its own channel. */
    ROOMCAST_REDIS_SUBSCRIPTION_MODE: z.enum(["static", "dynamic", "dynamic-private"]).default("dynamic"),
    /** Prefix of every Redis key and channel this deployment uses. */
    ROOMCAST_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/).default("roomcast"),

    /** HS256 secret (at least 32 characters). Required in production unless a public key is set. */
    ROOMCAST_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /** PEM public key for RS256/ES256 tokens; takes precedence over the secret. */
    ROOMCAST_JWT_PUBLIC_KEY: z.string().min(1).optional(),
    ROOMCAST_JWT_ISSUER: z.string().min(1).optional(),
    ROOMCAST_JWT_AUDIENCE: z.string().min(1).optional(),

    /** Comma-separated browser origins allowed to connect; `*` allows any. Same-origin pages are always allowed. */
    ROOMCAST_ALLOWED_ORIGINS: list.default([]),
    /** Largest Socket.IO message, in bytes (64 KiB, per OWASP's WebSocket guidance). */
    ROOMCAST_MAX_PAYLOAD_BYTES: int(1024, 16 * 1024 * 1024).default(64 * 1024),
    /** Largest HTTP JSON body, in bytes (a batch publish needs more than one message). */
    ROOMCAST_MAX_HTTP_BODY_BYTES: int(1024, 64 * 1024 * 1024).default(256 * 1024),
    /** Events one socket may send per window (subscribe, unsubscribe, publish). */
    ROOMCAST_RATE_LIMIT_EVENTS: int(1, 1_000_000).default(50),
    /** The rate-limit window, in seconds. */
    ROOMCAST_RATE_LIMIT_WINDOW_SECONDS: int(1, 3600).default(1),
    /** Warnings (`system` rate_limited notices, one per window it is limited in) before a socket that keeps exceeding its event rate is disconnected. */
    ROOMCAST_RATE_LIMIT_WARNINGS: int(0, 1000).default(2),
    /** Open sockets one tenant may hold across the cluster (default; per tenant: tenant_limits.max_connections). */
    ROOMCAST_TENANT_MAX_CONNECTIONS: int(1, 10_000_000).default(10_000),
    /** Client events per second one tenant may send across the cluster (default; per tenant: tenant_limits.events_per_second). */
    ROOMCAST_TENANT_EVENTS_PER_SECOND: int(1, 10_000_000).default(2_000),
    /** How long a revocation of a user or chat session is kept, in seconds: at least the longest token lifetime (30 days). */
    ROOMCAST_REVOCATION_TTL_SECONDS: int(60, 365 * 24 * 3600).default(30 * 24 * 3600),
    /** Open connections one client address may hold on one node. */
    ROOMCAST_MAX_CONNECTIONS_PER_IP: int(1, 1_000_000).default(200),
    /** Trust X-Forwarded-For from the proxy in front (nginx) for the client address. */
    ROOMCAST_TRUST_PROXY: bool.default(false),
    /** PostgreSQL connection string. Unset: embedded PGlite in ROOMCAST_DATA_DIR. */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    /** Folder of the embedded database (PGlite) when DATABASE_URL is unset. */
    ROOMCAST_DATA_DIR: z.string().min(1).default(".data/pglite"),
    /** `inline` runs the outbox relay inside this gateway (the single-node default); `off` leaves it to relay processes. */
    ROOMCAST_RELAY: z.enum(["inline", "off"]).default("inline"),
    /** Longest a committed event waits for the relay when a NOTIFY is lost, in milliseconds. */
    ROOMCAST_RELAY_POLL_MS: int(10, 60_000).default(500),
    /** Most events one relay round reads (over all of its partitions). */
    ROOMCAST_RELAY_BATCH_SIZE: int(1, 10_000).default(500),
    /** Emit attempts before an event that cannot be emitted is quarantined. */
    ROOMCAST_RELAY_MAX_ATTEMPTS: int(1, 1000).default(5),
    /** How long published events stay available for catch-up, in hours. */
    ROOMCAST_RETENTION_HOURS: z.coerce.number().positive().max(24 * 365).default(24),
    /** Most published events kept per stream for catch-up. */
    ROOMCAST_RETENTION_MAX_PER_STREAM: int(1, 10_000_000).default(10_000),
    /** Most events one `subscribe` replays; further behind, the ack says `recovered: false`. */
    ROOMCAST_REPLAY_LIMIT: int(1, 1_000_000).default(5_000),
    /** Outbound bytes buffered for one socket before it is disconnected as a slow consumer. */
    ROOMCAST_MAX_BUFFERED_BYTES: int(64 * 1024, 1024 * 1024 * 1024).default(4 * 1024 * 1024),
    /** Relay processes: serve Prometheus metrics at GET /metrics on this port (unset: none; 0 picks a free port). Gateways serve /metrics on PORT. */
    ROOMCAST_METRICS_PORT: int(0, 65535).optional(),
    /** Tenants that get their own `tenant` label on per-tenant metrics on one node; the rest are summed under `tenant="(other)"` (bounded cardinality). */
    ROOMCAST_METRICS_MAX_TENANTS: int(1, 10_000).default(50),
    /** The source commit of this build, shown in `roomcast_build_info` (the image build sets it). */
    ROOMCAST_BUILD_COMMIT: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).default("unknown"),
    /** Longest a graceful shutdown (SIGTERM) may take before the process exits, in milliseconds. */
    ROOMCAST_SHUTDOWN_TIMEOUT_MS: int(100, 600_000).default(10_000),
    /** Serve the Socket.IO Admin UI at /admin. */
    ROOMCAST_ADMIN_UI: z.enum(["on", "off"]).default("on"),
    /** Admin UI basic-auth user. */
    ROOMCAST_ADMIN_USER: z.string().min(1).default("admin"),
    /** bcrypt hash of the Admin UI password; required in production while the UI is on. */
    ROOMCAST_ADMIN_PASSWORD_HASH: z.string().regex(/^\$2[aby]\$\d{2}\$.{53}$/, "must be a bcrypt hash").optional(),
    /** Let the Admin UI disconnect sockets and join/leave rooms. */
    ROOMCAST_ADMIN_READONLY: bool.default(true),
    /**
     * Admin UI mode. `development` lists every socket and relays every event each socket
     * sends or receives to the UI (one adapter broadcast per packet: costly under load, and
     * every client payload re-encoded); `production` sends aggregates only. Default:
     * `production` whatever NODE_ENV is; `development` only when asked for.
     */
    ROOMCAST_ADMIN_MODE: z.enum(["development", "production"]).optional(),
    /** Create the `demo` tenant and its console users at start-up (docs/chat.md). Default: on when NODE_ENV=development. */
    ROOMCAST_DEMO_SEED: z.enum(["on", "off"]).optional(),
    /** Lifetime of a widget visitor's token, in seconds (one day). */
    ROOMCAST_VISITOR_TOKEN_TTL_SECONDS: int(60, 30 * 24 * 3600).default(24 * 3600),
    /** Lifetime of a console sign-in token, in seconds (twelve hours). */
    ROOMCAST_CONSOLE_TOKEN_TTL_SECONDS: int(60, 30 * 24 * 3600).default(12 * 3600),
    /** Interval of the cluster-wide analytics tick, in milliseconds; 0 turns the job off. */
    ROOMCAST_ANALYTICS_INTERVAL_MS: z.union([z.literal("0").transform(() => 0), int(1000, 3_600_000)]).default(5000),
    /** Engine.IO heartbeat, in milliseconds. */
    ROOMCAST_PING_INTERVAL_MS: int(1000, 600_000).default(25_000),
    ROOMCAST_PING_TIMEOUT_MS: int(1000, 600_000).default(20_000),
  })
  .strip();

export type Env = z.output<typeof envSchema>;
export const KNOWN_KEYS: ReadonlySet<string> = new Set(Object.keys(envSchema.shape));

export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}`;
}

/** Documented in the README; valid only when NODE_ENV is not `production`. */
export const DEV_JWT_SECRET = "roomcast-development-secret-do-not-use-in-production";

/** The Admin UI password outside production when no hash is configured (README). */
export const DEV_ADMIN_PASSWORD = "roomcast-dev";

export type JwtKey =
  | { kind: "secret"; secret: string; algorithms: ["HS256"] }
  | { kind: "public-key"; publicKey: string; algorithms: ["RS256", "ES256"] };

type Refinement = z.core.$RefinementCtx<Env>;

/** Adds an issue naming `key` and returns NEVER, so a failed check is one expression. */
function refuse(ctx: Refinement, key: keyof Env, message: string): never {
  ctx.addIssue({ code: "custom", path: [key], message });
  return z.NEVER;
}

function jwtKey(env: Env, ctx: Refinement): JwtKey {
  if (env.ROOMCAST_JWT_PUBLIC_KEY !== undefined) return { kind: "public-key", publicKey: env.ROOMCAST_JWT_PUBLIC_KEY, algorithms: ["RS256", "ES256"] };
  if (env.ROOMCAST_JWT_SECRET !== undefined) return { kind: "secret", secret: env.ROOMCAST_JWT_SECRET, algorithms: ["HS256"] };
  if (env.NODE_ENV === "production") return refuse(ctx, "ROOMCAST_JWT_SECRET", "required in production (or set ROOMCAST_JWT_PUBLIC_KEY)");
  return { kind: "secret", secret: DEV_JWT_SECRET, algorithms: ["HS256"] };
}

/** The nested config the code uses, from a parsed environment; the checks across keys refuse here. */
function toConfig(env: Env, ctx: Refinement) {
  if (env.REDIS_URL !== undefined && env.REDIS_CLUSTER_NODES !== undefined) {
    return refuse(ctx, "REDIS_CLUSTER_NODES", "set either REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both");
  }
  if (env.REDIS_CLUSTER_NODES !== undefined && env.ROOMCAST_REDIS_ADAPTER !== "sharded") {
    return refuse(ctx, "ROOMCAST_REDIS_ADAPTER", "a Redis Cluster needs the sharded adapter (SSUBSCRIBE/SPUBLISH)");
  }
  const key = jwtKey(env, ctx);
  if (env.ROOMCAST_ADMIN_UI === "on" && env.ROOMCAST_ADMIN_PASSWORD_HASH === undefined && env.NODE_ENV === "production") {
    return refuse(ctx, "ROOMCAST_ADMIN_PASSWORD_HASH", "required in production while ROOMCAST_ADMIN_UI=on");
  }
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    port: env.PORT,
    host: env.HOST,
    nodeId: env.NODE_ID ?? defaultNodeId(),
    /** `url` for one Redis, `clusterNodes` for a Redis Cluster (exactly one of the two is set); undefined: the in-memory adapter. */
    redis:
      env.REDIS_URL === undefined && env.REDIS_CLUSTER_NODES === undefined
        ? undefined
        : {
            url: env.REDIS_URL,
            clusterNodes: env.REDIS_CLUSTER_NODES?.map(parseHostPort) as ReadonlyArray<{ host: string; port: number }> | undefined,
            commandTimeoutMs: env.ROOMCAST_REDIS_COMMAND_TIMEOUT_MS,
            adapter: env.ROOMCAST_REDIS_ADAPTER,
            subscriptionMode: env.ROOMCAST_REDIS_SUBSCRIPTION_MODE,
            prefix: env.ROOMCAST_REDIS_PREFIX,
          },
    redisPrefix: env.ROOMCAST_REDIS_PREFIX,
    jwt: { key, issuer: env.ROOMCAST_JWT_ISSUER, audience: env.ROOMCAST_JWT_AUDIENCE },
    allowedOrigins: env.ROOMCAST_ALLOWED_ORIGINS as readonly string[],
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
    /** Revocations (of a user's or a chat session's tokens) are kept this long. */
    revocationTtlSeconds: env.ROOMCAST_REVOCATION_TTL_SECONDS,
    trustProxy: env.ROOMCAST_TRUST_PROXY,
    pingIntervalMs: env.ROOMCAST_PING_INTERVAL_MS,
    pingTimeoutMs: env.ROOMCAST_PING_TIMEOUT_MS,
    database:
      env.DATABASE_URL === undefined ? { kind: "pglite" as const, dataDir: env.ROOMCAST_DATA_DIR } : { kind: "postgres" as const, url: env.DATABASE_URL },
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
    /** Port of a relay process's metrics server; undefined: none. */
    metricsPort: env.ROOMCAST_METRICS_PORT,
    metrics: { maxTenants: env.ROOMCAST_METRICS_MAX_TENANTS },
    build: { commit: env.ROOMCAST_BUILD_COMMIT },
    chat: {
      demoSeed: env.ROOMCAST_DEMO_SEED === undefined ? env.NODE_ENV === "development" : env.ROOMCAST_DEMO_SEED === "on",
      visitorTokenTtlSeconds: env.ROOMCAST_VISITOR_TOKEN_TTL_SECONDS,
      consoleTokenTtlSeconds: env.ROOMCAST_CONSOLE_TOKEN_TTL_SECONDS,
      analyticsIntervalMs: env.ROOMCAST_ANALYTICS_INTERVAL_MS,
    },
    /** Undefined when the Admin UI is off. `passwordHash` undefined means the development password. */
    admin:
      env.ROOMCAST_ADMIN_UI === "off"
        ? undefined
        : {
            user: env.ROOMCAST_ADMIN_USER,
            passwordHash: env.ROOMCAST_ADMIN_PASSWORD_HASH,
            readonly: env.ROOMCAST_ADMIN_READONLY,
            // Production mode everywhere unless asked: development mode mirrors every packet to the UI.
            mode: env.ROOMCAST_ADMIN_MODE ?? "production",
          },
  };
}

/** The environment, checked, as the nested config. */
export const configSchema = envSchema.transform(toConfig);

export type Config = z.output<typeof configSchema>;

function parseHostPort(node: string): { host: string; port: number } {
  const at = node.lastIndexOf(":");
  return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
}
