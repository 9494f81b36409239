/**
 * The compiled production build, as the image runs it: `npm run build` once for the file,
 * then the compiled processes with NODE_ENV=production and the documented secrets
 * (ROOMCAST_JWT_SECRET, ROOMCAST_ADMIN_UI=off, DATABASE_URL):
 * - what each bundle loads from node_modules is a production dependency of its workspace
 *   (declared in its package.json or a workspace package it depends on), so `npm ci
 *   --omit=dev` is enough;
 * - the compiled migrator migrates a PostgreSQL database;
 * - the compiled gateway on it answers /readyz, an HTTP publish that reaches a subscriber
 *   (the relay in-process), and serves the prebuilt pages under content-hashed names;
 * - on a fresh embedded folder it migrates at start-up with the compiled migrator, and on
 *   a restart it starts without running the migrator.
 */
import { loadConfig } from "@roomcast/config";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { connected, request, signToken, type TestSocket, waitFor } from "@roomcast/gateway/testing";
import type { EventEnvelope } from "@roomcast/protocol";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process";

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);
const SECRET = "production-build-test-secret-0123456789";
const PRODUCTION = { NODE_ENV: "production", ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off", LOG_LEVEL: "info" };

interface BuildOutput {
  node: { outfile: string; packages: string[]; resolved: string[] }[];
  web: { route: string; file: string }[];
}

/** Loaded only when run from the sources: the in-memory page bundler (esbuild) and the migrator's TypeScript loader (tsx). */
const SOURCES_ONLY = new Set(["esbuild", "tsx"]);

/** The workspace folder of a bundle (`apps/gateway/dist/cli/x.js` → `apps/gateway`). */
const workspaceOf = (outfile: string): string => outfile.split("/").slice(0, 2).join("/");

function readManifest(dir: string): { name: string; dependencies: Record<string, string> } {
  const json = JSON.parse(readFileSync(path.join(ROOT, dir, "package.json"), "utf8")) as { name: string; dependencies?: Record<string, string> };
  return { name: json.name, dependencies: json.dependencies ?? {} };
}

/** Production dependencies of a workspace, following the workspace packages it depends on. */
function productionClosure(dir: string, workspaces: ReadonlyMap<string, string>): Set<string> {
  const seen = new Set<string>();
  const visit = (folder: string): void => {
    for (const name of Object.keys(readManifest(folder).dependencies)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const nested = workspaces.get(name);
      if (nested !== undefined) visit(nested);
    }
  };
  visit(dir);
  seen.add(readManifest(dir).name);
  return seen;
}

describe("the compiled production build", () => {
  let build: BuildOutput;
  let database: TestDatabase;
  const { config } = loadConfig({ ROOMCAST_JWT_SECRET: SECRET });
  const serviceToken = () => signToken(config.jwt, { sub: "billing", tenant: "acme", role: "service" });

  beforeAll(async () => {
    const [built, db] = await Promise.all([
      run("npm", ["run", "-s", "build"], { cwd: ROOT, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }),
      createTestDatabase({ migrate: false }),
    ]);
    build = JSON.parse(built.stdout.trim().split("\n").at(-1) ?? "") as BuildOutput;
    database = db;
  }, 180_000);
  afterAll(async () => {
    await database?.drop();
  });

  it("loads nothing from node_modules that its workspace does not declare as a production dependency", () => {
    const workspaces = new Map(
      ["apps/gateway", "apps/relay", "apps/widget", ...["chat", "client", "cluster", "config", "db", "ops", "protocol", "relay"].map((p) => `packages/${p}`)].map((dir) => [readManifest(dir).name, dir]),
    );
    expect(build.node.map((bundle) => bundle.outfile)).toEqual(expect.arrayContaining(["apps/gateway/dist/main.js", "apps/relay/dist/main.js", "packages/db/dist/migrate-cli.js"]));
    for (const bundle of build.node) {
      const allowed = productionClosure(workspaceOf(bundle.outfile), workspaces);
      const undeclared = [...bundle.packages, ...bundle.resolved].filter((name) => !allowed.has(name) && !SOURCES_ONLY.has(name));
      expect({ bundle: bundle.outfile, undeclared }).toEqual({ bundle: bundle.outfile, undeclared: [] });
    }
  });

  it("migrates PostgreSQL with the compiled migrator", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--experimental-wasm-modules", "--disable-warning=ExperimentalWarning", path.join(ROOT, "packages/db/dist/migrate-cli.js"), "deploy", "--database-url", database.url],
      { cwd: ROOT, timeout: 120_000, env: { PATH: process.env.PATH } },
    );
    const { applied } = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as { applied: string[] };
    expect(applied.length).toBeGreaterThan(0);
  }, 120_000);

  describe("a gateway on PostgreSQL, NODE_ENV=production", () => {
    let gateway: GatewayProcess;
    let socket: TestSocket | undefined;
    beforeAll(async () => {
      gateway = await startGatewayProcess({ ...PRODUCTION, DATABASE_URL: database.url, ROOMCAST_RELAY_POLL_MS: "200" }, 60_000, { compiled: true });
    }, 90_000);
    afterAll(async () => {
      socket?.disconnect();
      await gateway?.stop();
    });

    it("answers /readyz and an HTTP publish, which reaches a subscriber", async () => {
      expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
      socket = await connected(gateway.url, signToken(config.jwt, { sub: "u1", tenant: "acme", role: "member" }));
      const ack = await request(socket, "subscribe", { channel: "notifications", topic: "u1" });
      expect(ack).toMatchObject({ ok: true, offset: 0 });
      const received = waitFor<EventEnvelope>("the published event on the subscriber", 10_000, (resolve) => {
        socket!.on("event", resolve);
      });
      const res = await fetch(`${gateway.url}/api/v1/publish`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${serviceToken()}` },
        body: JSON.stringify({ channel: "notifications", topic: "u1", type: "invoice:paid", data: { n: 1 } }),
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ ok: true, stream: "acme:notifications:u1", offset: 1 });
      expect(await received).toMatchObject({ stream: "acme:notifications:u1", offset: 1, type: "invoice:paid", data: { n: 1 } });
    });

    it("serves the prebuilt pages, their scripts under content-hashed names cached for good", async () => {
      const page = await (await fetch(`${gateway.url}/console`)).text();
      const script = /src="(\/assets\/console\.[A-Z0-9]+\.js)"/.exec(page)?.[1];
      expect(script).toBeDefined();
      expect(build.web.map((asset) => asset.route)).toContain(script);
      const hashed = await fetch(`${gateway.url}${script}`);
      expect(hashed.status).toBe(200);
      expect(hashed.headers.get("cache-control")).toContain("immutable");
      const widget = await fetch(`${gateway.url}/widget.js`, { headers: { "accept-encoding": "br" } });
      expect(widget.headers.get("cache-control")).toBe("public, max-age=300");
      expect(widget.headers.get("access-control-allow-origin")).toBe("*");
      // Precompressed by the build (<file>.br beside each file).
      expect(widget.headers.get("content-encoding")).toBe("br");
      expect(widget.headers.get("vary")).toContain("Accept-Encoding");
      // The loader injects the widget's app by the hashed name the build gave it.
      const app = /\/assets\/widget-app\.[A-Z0-9]+\.js/.exec(await widget.text())?.[0];
      expect(build.web.map((asset) => asset.route)).toContain(app);
      expect((await fetch(`${gateway.url}${app}`)).headers.get("cache-control")).toContain("immutable");
      const reference = await fetch(`${gateway.url}/api/v1/reference`);
      expect(reference.status).toBe(200);
      const redoc = /src="(\/assets\/redoc\.[A-Z0-9]+\.js)"/.exec(await reference.text())?.[1];
      expect(build.web.map((asset) => asset.route)).toContain(redoc);
    });
  });

  it("migrates a fresh embedded folder at start-up, and restarts on it without the migrator", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "roomcast-build-pglite-"));
    try {
      const env = { ...PRODUCTION, ROOMCAST_DATA_DIR: dir };
      const first = await startGatewayProcess(env, 90_000, { compiled: true });
      expect(await first.stop()).toBe(0);
      expect(first.output()).toContain('"msg":"migrations applied"');
      const second = await startGatewayProcess(env, 60_000, { compiled: true });
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
      expect(await second.stop()).toBe(0);
      expect(second.output()).not.toContain("migrations applied");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
