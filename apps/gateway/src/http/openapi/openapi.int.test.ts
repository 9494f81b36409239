/**
 * The API description against the real gateway (with the product, on PostgreSQL): the
 * document it serves at /api/v1/openapi.json is valid OpenAPI 3.1 (@readme/openapi-parser),
 * every route the Express application has mounted is in it (the router stack is walked, so
 * a new route without a description fails here), every error code of the catalog is
 * documented with its HTTP status, and a refused request names the field and the limit.
 */
import { loadConfig } from "@roomcast/config";
import { createDb, type Db } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { ERROR_CODES } from "@roomcast/protocol";
import { compileErrors, validate } from "@readme/openapi-parser";
import pino from "pino";
import { signToken } from "../../auth/sign-token";
import { webAssetMap } from "../../chat/web-assets";
import { createDbStreamStore } from "../../db-stream-store";
import { createGateway, type Gateway } from "../../gateway";
import { TEST_SECRET } from "../../testing/harness";
import { statusOf } from "../errors";
import { mountedRoutes } from "./mounted-routes";

jest.setTimeout(60_000);

type Document = { openapi: string; info: { description: string }; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

describe("OpenAPI description", () => {
  let database: TestDatabase;
  let db: Db;
  let gateway: Gateway;
  let base = "";
  const config = () => loadConfig({ NODE_ENV: "test", PORT: "0", ROOMCAST_JWT_SECRET: TEST_SECRET, ROOMCAST_RELAY: "off", DATABASE_URL: database.url }).config;
  // A few assets of each kind, so the asset routes are mounted (and must be described) too.
  const assets = webAssetMap([
    { route: "/widget.js", type: "text/javascript; charset=utf-8", immutable: false, crossOrigin: true, body: "void 0;" },
    { route: "/assets/widget.ABC123.js", type: "text/javascript; charset=utf-8", immutable: true, crossOrigin: true, body: "void 0;" },
    { route: "/demo", type: "text/html; charset=utf-8", immutable: false, crossOrigin: false, body: "<!doctype html>" },
  ]);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ databaseUrl: database.url });
    gateway = createGateway({ config: config(), logger: pino({ level: "silent" }), store: createDbStreamStore(db, { replayLimit: 100 }), chat: { db, assets }, version: "1.2.3" });
    base = `http://127.0.0.1:${(await gateway.listen(0, "127.0.0.1")).port}`;
  });
  afterAll(async () => {
    await gateway?.close();
    await db?.close();
    await database?.drop();
  });

  const fetchDocument = async (): Promise<Document> => {
    const response = await fetch(`${base}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    return (await response.json()) as Document;
  };

  it("is a valid OpenAPI 3.1 document", async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe("3.1.0");
    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(document) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  it("describes every route the application has mounted", async () => {
    const document = await fetchDocument();
    const routes = mountedRoutes(gateway.app);
    // The product, the admin API and the assets are all mounted: this is the whole surface.
    expect(routes.length).toBeGreaterThan(40);
    expect(routes).toContainEqual({ method: "post", path: "/api/v1/chat/sessions/{id}/messages" });
    expect(routes).toContainEqual({ method: "get", path: "/assets/widget.ABC123.js" });
    const missing = routes.filter((route) => document.paths[route.path]?.[route.method] === undefined).map((route) => `${route.method.toUpperCase()} ${route.path}`);
    expect(missing).toEqual([]);
  });

  it("documents every error code with its HTTP status", async () => {
    const document = await fetchDocument();
    for (const code of ERROR_CODES) {
      expect(document.info.description).toContain(`| \`${code}\` | ${statusOf(code)} |`);
      // And at least one operation answers it, under that status, naming it in the body's schema.
      const answered = Object.values(document.paths).some((item) =>
        Object.values(item).some((operation) => JSON.stringify(operation.responses[String(statusOf(code))] ?? {}).includes(`"${code}"`)),
      );
      expect({ code, answered }).toEqual({ code, answered: true });
    }
  });

  it("answers a 501-event batch naming the field and the limit", async () => {
    const token = signToken(config().jwt, { tenant: "acme", sub: "billing", role: "service" });
    const events = Array.from({ length: 501 }, (_, n) => ({ channel: "analytics", type: "tick", data: { n } }));
    const response = await fetch(`${base}/api/v1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ ok: false, error: { code: "invalid", message: "events: at most 500" } });
  });

  it("names the field and the rule for a chat message over its length", async () => {
    const token = signToken(config().jwt, { tenant: "acme", sub: "ana", role: "agent" });
    const response = await fetch(`${base}/api/v1/chat/sessions/s_1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ ok: false, error: { code: "invalid", message: "text: must not be empty" } });
  });
});
