import { ConfigError, DEV_JWT_SECRET, loadConfig, type Config } from "./index";

const SECRET = "s".repeat(32);

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const { config } = loadConfig({ ROOMCAST_JWT_SECRET: SECRET });
    expect(config.port).toBe(3000);
    expect(config.redis).toBeUndefined();
    expect(config.limits).toEqual({
      maxPayloadBytes: 65536,
      maxHttpBodyBytes: 262144,
      rateLimitEvents: 50,
      rateLimitWindowSeconds: 1,
      maxConnectionsPerIp: 200,
      rateLimitWarnings: 2,
      tenantMaxConnections: 10_000,
      tenantEventsPerSecond: 2000,
    });
    expect(config.revocationTtlSeconds).toBe(30 * 24 * 3600);
    expect(config.nodeId).toMatch(/-\d+$/);
  });

  it("refuses an unknown ROOMCAST_ key, naming it", () => {
    expect(issuesOf({ ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_RATE_LIMT_EVENTS: "5" })).toEqual([
      "ROOMCAST_RATE_LIMT_EVENTS: unknown setting",
    ]);
  });

  it("refuses a bad value, naming the key", () => {
    const issues = issuesOf({ PORT: "http", ROOMCAST_REDIS_ADAPTER: "cluster" });
    expect(issues.some((i) => i.startsWith("PORT:"))).toBe(true);
    expect(issues.some((i) => i.startsWith("ROOMCAST_REDIS_ADAPTER:"))).toBe(true);
  });

  it("requires a secret in production", () => {
    expect(issuesOf({ NODE_ENV: "production" })[0]).toMatch(/^ROOMCAST_JWT_SECRET: required in production/);
  });

  it("requires an Admin UI password hash in production unless the UI is off", () => {
    expect(issuesOf({ NODE_ENV: "production", ROOMCAST_JWT_SECRET: SECRET })[0]).toMatch(/^ROOMCAST_ADMIN_PASSWORD_HASH: required/);
    expect(loadConfig({ NODE_ENV: "production", ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off" }).config.admin).toBeUndefined();
    expect(issuesOf({ ROOMCAST_ADMIN_PASSWORD_HASH: "plain-text" })[0]).toMatch(/^ROOMCAST_ADMIN_PASSWORD_HASH: must be a bcrypt hash/);
  });

  it("runs the Admin UI in production mode (no packet mirror) unless development is asked for", () => {
    expect(loadConfig({}).config.admin?.mode).toBe("production");
    expect(loadConfig({ NODE_ENV: "test" }).config.admin?.mode).toBe("production");
    expect(loadConfig({ ROOMCAST_ADMIN_MODE: "development" }).config.admin?.mode).toBe("development");
  });

  it("uses the dev secret with a warning in development", () => {
    const { config, warnings } = loadConfig({});
    expect(config.jwt.key).toEqual({ kind: "secret", secret: DEV_JWT_SECRET, algorithms: ["HS256"] });
    expect(warnings.filter((w) => w.startsWith("ROOMCAST_JWT_SECRET"))).toHaveLength(1);
  });

  it("parses Redis and origin settings and freezes the result", () => {
    const { config } = loadConfig({
      REDIS_URL: "redis://127.0.0.1:6379",
      ROOMCAST_REDIS_ADAPTER: "classic",
      ROOMCAST_ALLOWED_ORIGINS: "https://a.example, https://b.example",
    });
    expect(config.redis).toMatchObject({ url: "redis://127.0.0.1:6379", adapter: "classic" });
    expect(config.allowedOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(Object.isFrozen(config.limits)).toBe(true);
  });

  it("refuses a non-redis URL", () => {
    expect(issuesOf({ REDIS_URL: "http://127.0.0.1" })[0]).toMatch(/^REDIS_URL:/);
  });

  it("parses Redis Cluster seed nodes and the command timeout", () => {
    const { config } = loadConfig({ REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-b:7001", ROOMCAST_REDIS_COMMAND_TIMEOUT_MS: "500" });
    expect(config.redis).toMatchObject({ url: undefined, clusterNodes: [{ host: "10.0.0.1", port: 7000 }, { host: "redis-b", port: 7001 }], commandTimeoutMs: 500, adapter: "sharded" });
    expect(loadConfig({ REDIS_URL: "redis://127.0.0.1:6379" }).config.redis).toMatchObject({ clusterNodes: undefined, commandTimeoutMs: 1000 });
  });

  it("refuses bad or conflicting Redis Cluster settings", () => {
    expect(issuesOf({ REDIS_CLUSTER_NODES: "10.0.0.1" })[0]).toMatch(/^REDIS_CLUSTER_NODES/);
    expect(issuesOf({ REDIS_CLUSTER_NODES: "a:1", REDIS_URL: "redis://a:1" })[0]).toMatch(/^REDIS_CLUSTER_NODES: set either/);
    expect(issuesOf({ REDIS_CLUSTER_NODES: "a:1", ROOMCAST_REDIS_ADAPTER: "classic" })[0]).toMatch(/^ROOMCAST_REDIS_ADAPTER: a Redis Cluster/);
    expect(issuesOf({ ROOMCAST_REDIS_COMMAND_TIMEOUT_MS: "0" })[0]).toMatch(/^ROOMCAST_REDIS_COMMAND_TIMEOUT_MS:/);
  });

  it("shapes metrics and build settings, with their defaults", () => {
    expect(loadConfig({}).config).toMatchObject({ metrics: { maxTenants: 50 }, build: { commit: "unknown" } });
    expect(loadConfig({ ROOMCAST_METRICS_MAX_TENANTS: "5", ROOMCAST_BUILD_COMMIT: "f7c29e5" }).config).toMatchObject({ metrics: { maxTenants: 5 }, build: { commit: "f7c29e5" } });
    expect(issuesOf({ ROOMCAST_METRICS_MAX_TENANTS: "0" })[0]).toMatch(/^ROOMCAST_METRICS_MAX_TENANTS:/);
    expect(issuesOf({ ROOMCAST_BUILD_COMMIT: "a b" })[0]).toMatch(/^ROOMCAST_BUILD_COMMIT:/);
  });

  it("reports unknown keys and bad values together, before any check across keys", () => {
    const issues = issuesOf({ NODE_ENV: "production", ROOMCAST_NOPE: "1", PORT: "x" });
    expect(issues[0]).toBe("ROOMCAST_NOPE: unknown setting");
    expect(issues.some((i) => i.startsWith("PORT:"))).toBe(true);
    // The production secret check runs on a valid environment only.
    expect(issues.some((i) => i.startsWith("ROOMCAST_JWT_SECRET:"))).toBe(false);
  });

  it("warns about the development password only while the Admin UI is on without a hash", () => {
    const hash = `$2b$10$${"a".repeat(53)}`;
    expect(loadConfig({ ROOMCAST_JWT_SECRET: SECRET }).warnings).toEqual([expect.stringMatching(/^ROOMCAST_ADMIN_PASSWORD_HASH is not set/)]);
    expect(loadConfig({ ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_PASSWORD_HASH: hash }).warnings).toEqual([]);
    expect(loadConfig({ ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off" }).warnings).toEqual([]);
  });

  it("types Config from the schema: discriminated parts narrow, options keep their literal types", () => {
    const { config } = loadConfig({ DATABASE_URL: "postgres://u@h/db", REDIS_URL: "redis://h:1", ROOMCAST_JWT_PUBLIC_KEY: "PEM" });
    const database: Config["database"] = config.database;
    expect(database.kind === "postgres" ? database.url : database.dataDir).toBe("postgres://u@h/db");
    const key: Config["jwt"]["key"] = config.jwt.key;
    expect(key.kind === "public-key" ? key.algorithms : []).toEqual(["RS256", "ES256"]);
    const adapter: "sharded" | "classic" | undefined = config.redis?.adapter;
    expect(adapter).toBe("sharded");
  });
});
