/**
 * docker-compose.yml checked without Docker (none runs here): parsed with `yaml` (merge
 * keys on, as compose resolves them) and held to what `docker compose up --scale
 * gateway=N --scale relay=M` needs. What this cannot prove: that the images build and the
 * containers start; the process cluster tests run the same topology for real.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { envSchema } from "@roomcast/config";
import { parse } from "yaml";
import { z } from "zod";
import { buildPlan } from "../../scripts/build/targets";

const ROOT = path.resolve(__dirname, "../..");

const healthcheck = z.object({ test: z.array(z.string()).min(2), interval: z.string(), timeout: z.string(), retries: z.number() }).passthrough();
const service = z
  .object({
    image: z.string().optional(),
    build: z.unknown().optional(),
    container_name: z.string().optional(),
    command: z.array(z.string()).optional(),
    environment: z.record(z.string(), z.string()).optional(),
    ports: z.array(z.string()).optional(),
    expose: z.array(z.string()).optional(),
    volumes: z.array(z.string()).optional(),
    healthcheck: healthcheck.optional(),
    restart: z.string().optional(),
    depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
    ulimits: z.object({ nofile: z.object({ soft: z.number(), hard: z.number() }) }).optional(),
    sysctls: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();
const composeSchema = z.object({ services: z.record(z.string(), service) }).passthrough();
type Service = z.infer<typeof service>;

const compose = composeSchema.parse(parse(readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }));
function svc(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`service ${name} missing`);
  return found;
}

describe("docker-compose.yml", () => {
  it("has exactly the cluster's services", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["gateway", "migrate", "nginx", "postgres", "redis", "relay"]);
  });

  it("checks health of postgres, redis, gateway, relay and nginx", () => {
    expect(svc("postgres").healthcheck?.test).toEqual(expect.arrayContaining(["pg_isready"]));
    expect(svc("redis").healthcheck?.test).toEqual(["CMD", "redis-cli", "ping"]);
    expect(svc("gateway").healthcheck?.test.join(" ")).toContain("http://127.0.0.1:3000/readyz");
    expect(svc("nginx").healthcheck?.test.join(" ")).toContain("/healthz");
    // The relay has no HTTP API: its health is its metrics port answering.
    const relayEnv = svc("relay").environment ?? {};
    expect(relayEnv.ROOMCAST_METRICS_PORT).toMatch(/^\d+$/);
    expect(svc("relay").healthcheck?.test.join(" ")).toContain(`http://127.0.0.1:${relayEnv.ROOMCAST_METRICS_PORT}/metrics`);
    expect(svc("relay").expose).toEqual([relayEnv.ROOMCAST_METRICS_PORT]);
  });

  it("orders start-up with depends_on conditions", () => {
    expect(svc("migrate").depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    for (const name of ["gateway", "relay"]) {
      expect(svc(name).depends_on).toMatchObject({
        migrate: { condition: "service_completed_successfully" },
        redis: { condition: "service_healthy" },
      });
    }
    expect(svc("nginx").depends_on).toEqual({ gateway: { condition: "service_healthy" } });
  });

  it("runs the compiled mains that npm run build writes, with plain node", () => {
    const plan = buildPlan(ROOT);
    const commands: Record<string, string[]> = {
      gateway: ["node", "apps/gateway/dist/main.js"],
      relay: ["node", "apps/relay/dist/main.js"],
      migrate: ["node", "--experimental-wasm-modules", "--disable-warning=ExperimentalWarning", "packages/db/dist/migrate-cli.js", "deploy"],
    };
    for (const [name, command] of Object.entries(commands)) {
      const s = svc(name);
      expect(s.build).toBe(".");
      expect(s.command).toEqual(command);
      expect(s.command).not.toContain("tsx");
      // Each file is an output of the build, from an entry point that exists.
      const target = plan.node.find((t) => command.includes(t.outfile));
      expect(target).toBeDefined();
      expect(existsSync(path.join(ROOT, target!.entry))).toBe(true);
    }
    expect(svc("migrate").restart).toBe("no");
  });

  it("gives the gateway a cluster environment: Redis, PostgreSQL, relay off, trusted proxy", () => {
    const env = svc("gateway").environment ?? {};
    expect(env.REDIS_URL).toBe("redis://redis:6379");
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/roomcast:.*@postgres:5432\/roomcast$/);
    expect(env).toMatchObject({ ROOMCAST_RELAY: "off", ROOMCAST_TRUST_PROXY: "true", PORT: "3000", NODE_ENV: "production" });
    expect(env.NODE_ID).toBeUndefined(); // one value for every replica would collide
    const relayEnv = svc("relay").environment ?? {};
    expect(relayEnv).toMatchObject({ REDIS_URL: env.REDIS_URL, DATABASE_URL: env.DATABASE_URL, ROOMCAST_REDIS_PREFIX: env.ROOMCAST_REDIS_PREFIX });
    expect(svc("migrate").environment?.DATABASE_URL).toBe(env.DATABASE_URL);
  });

  it("requires the production secrets instead of shipping defaults", () => {
    const env = svc("gateway").environment ?? {};
    expect(env.ROOMCAST_JWT_SECRET).toMatch(/^\$\{ROOMCAST_JWT_SECRET:\?.+\}$/);
    expect(env.ROOMCAST_ADMIN_PASSWORD_HASH).toMatch(/^\$\{ROOMCAST_ADMIN_PASSWORD_HASH:\?.+\}$/);
  });

  it("uses only ROOMCAST_* variables the config schema knows", () => {
    const known = new Set(Object.keys(envSchema.shape));
    const used = Object.values(compose.services).flatMap((s) => Object.keys(s.environment ?? {}));
    const roomcast = [...new Set(used.filter((key) => key.startsWith("ROOMCAST_")))];
    expect(roomcast.length).toBeGreaterThan(3);
    expect(roomcast.filter((key) => !known.has(key))).toEqual([]);
    for (const key of ["DATABASE_URL", "REDIS_URL", "PORT", "HOST", "LOG_LEVEL", "NODE_ENV"]) expect(known.has(key)).toBe(true);
  });

  it("lets gateway and relay scale: no container_name, no host port", () => {
    for (const name of ["gateway", "relay", "migrate"]) {
      expect(svc(name).container_name).toBeUndefined();
      expect(svc(name).ports).toBeUndefined();
    }
    expect(svc("gateway").expose).toEqual(["3000"]);
  });

  it("publishes only nginx, which mounts the nginx/ folder", () => {
    const published = Object.entries(compose.services).filter(([, s]) => (s.ports ?? []).length > 0);
    expect(published.map(([name]) => name)).toEqual(["nginx"]);
    expect(svc("nginx").ports).toEqual(["${PUBLIC_PORT:-8080}:80"]);
    expect(svc("nginx").volumes).toEqual(["./nginx:/etc/nginx/roomcast:ro"]);
    expect(svc("nginx").command).toEqual(expect.arrayContaining(["-c", "/etc/nginx/roomcast/nginx.conf"]));
    // nginx `resolve` on upstream servers needs 1.27.3 or newer.
    const [major = 0, minor = 0] = (/^nginx:(\d+)\.(\d+)/.exec(svc("nginx").image ?? "") ?? []).slice(1).map(Number);
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(1028);
  });
});

describe("the front door's limits (docker-compose.yml with nginx/nginx.conf)", () => {
  const conf = readFileSync(path.join(ROOT, "nginx/nginx.conf"), "utf8");
  const directive = (name: string): number => {
    const m = new RegExp(`^\\s*${name} (\\d+);`, "m").exec(conf);
    if (!m) throw new Error(`${name} missing from nginx/nginx.conf`);
    return Number(m[1]);
  };

  it("gives nginx workers room for the Socket.IO budget twice over (client + upstream) and HTTP beside it", () => {
    const connections = directive("worker_connections");
    const budget = directive("limit_conn sockets");
    expect(budget).toBeGreaterThanOrEqual(10_000);
    // One worker alone holds the whole budget, whatever the kernel's spread, with HTTP headroom.
    expect(connections - 2 * budget).toBeGreaterThanOrEqual(1024);
    expect(directive("worker_rlimit_nofile")).toBeGreaterThanOrEqual(connections + 1024);
    expect(conf).toMatch(/^worker_processes auto;$/m);
    expect(conf).toMatch(/listen 80 reuseport backlog=(\d+);/);
  });

  it("lets the nginx container open that many files, with ports and backlog to match", () => {
    const nginx = svc("nginx");
    expect(nginx.ulimits?.nofile.hard).toBeGreaterThanOrEqual(directive("worker_rlimit_nofile"));
    expect(nginx.ulimits?.nofile.soft).toBe(nginx.ulimits?.nofile.hard);
    const [low = 0, high = 0] = (nginx.sysctls?.["net.ipv4.ip_local_port_range"] ?? "").split(/\s+/).map(Number);
    expect(high - low).toBeGreaterThan(50_000);
    const backlog = Number(/listen 80 reuseport backlog=(\d+);/.exec(conf)?.[1]);
    expect(Number(nginx.sysctls?.["net.core.somaxconn"])).toBeGreaterThanOrEqual(backlog);
    expect(svc("gateway").ulimits?.nofile.hard).toBeGreaterThanOrEqual(65_536);
  });

  it("keeps Socket.IO's read timeout above the gateways' default heartbeat, and short ones for the API", () => {
    const pingSeconds = envSchema.shape.ROOMCAST_PING_INTERVAL_MS.parse(undefined) / 1000;
    const socketRead = Number(/^\s*proxy_read_timeout (\d+)s;/m.exec(conf)?.[1]);
    expect(socketRead).toBeGreaterThan(pingSeconds);
    const routes = readFileSync(path.join(ROOT, "nginx/routes.conf"), "utf8");
    const readTimeout = (location: string): number => {
      const block = new RegExp(`location ${location.replace(/[/.]/g, "\\$&")} \\{[^}]*proxy_read_timeout (\\d+)s;`).exec(routes);
      if (!block) throw new Error(`no read timeout in location ${location}`);
      return Number(block[1]);
    };
    // A hung node is found by a read timeout; the API's must leave room for the retry within 10 s.
    expect(readTimeout("/api/")).toBeLessThanOrEqual(5);
    expect(readTimeout("= /healthz")).toBeLessThanOrEqual(5);
    expect(readTimeout("= /_roomcast_probe")).toBeLessThanOrEqual(3);
    expect(conf).toMatch(/server gateway:3000 resolve max_fails=1 fail_timeout=\d+s;/);
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
  const stages = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)$/gm)].map((m) => m[1]);
  const stage = (name: string): string => {
    const start = dockerfile.indexOf(` AS ${name}\n`);
    const next = dockerfile.indexOf("\nFROM ", start);
    return dockerfile.slice(start, next === -1 ? undefined : next);
  };

  it("builds in stages and runs the compiled gateway as a non-root user", () => {
    expect(stages).toEqual(["manifests", "build", "prod-deps", "runtime"]);
    expect(stage("build")).toMatch(/^RUN npm ci\b/m);
    expect(stage("build")).toMatch(/^RUN npm run build$/m);
    const runtime = stage("runtime");
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production ROOMCAST_BUILD_COMMIT=\$\{ROOMCAST_BUILD_COMMIT\}$/m);
    expect(runtime).toMatch(/^CMD \["node", "apps\/gateway\/dist\/main\.js"\]$/m);
  });

  it("gives the final stage production dependencies only, and the build's output", () => {
    expect(stage("prod-deps")).toMatch(/^RUN npm ci --omit=dev --omit=optional\b/m);
    expect(stage("prod-deps")).toMatch(/^COPY --from=manifests /m);
    const runtime = stage("runtime");
    // node_modules comes from prod-deps alone: nothing is installed or copied from the build stage but dist/ folders.
    expect(runtime).not.toMatch(/npm (ci|install)/);
    expect(runtime).toMatch(/^COPY --from=prod-deps \/app \.\/$/m);
    const fromBuild = [...runtime.matchAll(/^COPY --from=build \/app\/(\S+) /gm)].map((m) => m[1] ?? "");
    expect(fromBuild.filter((copied) => copied.includes("node_modules"))).toEqual([]);
    expect(fromBuild).toEqual(expect.arrayContaining([...buildPlan(ROOT).outDirs, "prisma", "apps/gateway/bin"]));
    // The operator CLI is on the PATH.
    expect(runtime).toMatch(/ln -s \/app\/apps\/gateway\/bin\/roomcast\.js \/usr\/local\/bin\/roomcast/);
  });

  it("keeps secrets, local state, installed modules and local builds out of the build context", () => {
    const ignored = readFileSync(path.join(ROOT, ".dockerignore"), "utf8").split("\n");
    expect(ignored).toEqual(expect.arrayContaining([".env", ".git", "**/node_modules", ".data", "**/dist"]));
  });
});
