/**
 * The admin API (/api/v1/admin/) on one gateway with the product, against PostgreSQL:
 * a deployment operator token reaches every tenant, a tenant admin only its own (another
 * tenant is `forbidden` and unchanged), other roles and no token are refused, bad input
 * is `invalid` and changes nothing, every change writes one audit line naming who, what
 * and the target (never a password, hash or key in full), a disabled user can neither
 * sign in nor use the tokens it had, and POST /api/v1/admin/revoke still works.
 */
import { loadConfig } from "@roomcast/config";
import { createDb, type Db } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { Writable } from "node:stream";
import pino from "pino";
import { signToken } from "../auth/sign-token";
import { createDbStreamStore } from "../db-stream-store";
import { createGateway, type Gateway } from "../gateway";
import { TEST_SECRET } from "../testing/harness";
import { OPERATOR_TENANT } from "./actor";

jest.setTimeout(60_000);

interface Answer {
  status: number;
  body: Record<string, unknown> & { ok: boolean; error?: { code: string; message: string } };
}

describe("admin API", () => {
  let database: TestDatabase;
  let db: Db;
  let gateway: Gateway;
  let base = "";
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const config = () => loadConfig({ NODE_ENV: "test", PORT: "0", ROOMCAST_JWT_SECRET: TEST_SECRET, ROOMCAST_ADMIN_UI: "off", ROOMCAST_RELAY: "off", DATABASE_URL: database.url }).config;
  const token = (tenant: string, role: "admin" | "agent", sub = "someone") => signToken(config().jwt, { tenant, sub, role });
  const operator = () => token(OPERATOR_TENANT, "admin", "ops");
  const acmeAdmin = () => token("acme", "admin", "boss");

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ databaseUrl: database.url });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean)) {
          raw.push(line);
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    gateway = createGateway({ config: config(), logger: pino({ level: "info" }, sink), store: createDbStreamStore(db, { replayLimit: 100 }), chat: { db } });
    base = `http://127.0.0.1:${(await gateway.listen(0, "127.0.0.1")).port}`;
  });
  afterAll(async () => {
    await gateway?.close();
    await db?.close();
    await database?.drop();
  });

  async function api(method: string, path: string, bearer: string | undefined, body?: unknown): Promise<Answer> {
    const response = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer["body"] };
  }
  const audits = () => lines.filter((l) => l.audit === true);
  const snapshot = async () => JSON.stringify([await db.prisma.tenant.findMany({ orderBy: { id: "asc" } }), await db.prisma.user.findMany({ orderBy: { id: "asc" } })]);

  it("lets a deployment operator create tenants and sets up a tenant admin's tenant", async () => {
    for (const [id, name, origin] of [["acme", "Acme", "https://shop.acme.test"], ["globex", "Globex", "https://globex.test"]] as const) {
      const created = await api("POST", "/admin/tenants", operator(), { id, name, origins: [`${origin}/`] });
      expect(created).toMatchObject({ status: 201, body: { ok: true, tenant: { id, name, allowedOrigins: [origin], limits: null } } });
    }
    const user = await api("POST", "/admin/tenants/globex/users", operator(), { email: "Gina@Globex.test", role: "agent", password: "globex-password" });
    expect(user).toMatchObject({ status: 201, body: { user: { tenant: "globex", email: "gina@globex.test", role: "agent", hasPassword: true, disabled: false } } });
    expect(JSON.stringify(user.body)).not.toMatch(/passwordHash|\$2[aby]\$/);
    const listed = await api("GET", "/admin/tenants", operator());
    expect((listed.body.tenants as Array<{ id: string }>).map((t) => t.id)).toEqual(["acme", "globex"]);
  });

  it("scopes a tenant admin to its own tenant: another tenant is forbidden and unchanged", async () => {
    const before = await snapshot();
    const attempts: Array<[string, string, unknown?]> = [
      ["GET", "/admin/tenants/globex"],
      ["PATCH", "/admin/tenants/globex", { name: "Mine now" }],
      ["POST", "/admin/tenants/globex/widget-key"],
      ["GET", "/admin/tenants/globex/users"],
      ["POST", "/admin/tenants/globex/users", { email: "spy@acme.test", role: "admin", password: "spy-password" }],
      ["POST", "/admin/tenants/globex/users/gina%40globex.test/disable"],
      ["PUT", "/admin/tenants/globex/users/gina%40globex.test/password", { password: "taken-over!" }],
      ["GET", "/admin/outbox/quarantined?tenant=globex"],
      ["POST", "/admin/outbox/redrive", { all: true, tenant: "globex" }],
      ["POST", "/admin/tenants", { id: "initech", name: "Initech" }],
      ["PATCH", "/admin/tenants/acme", { limits: { maxConnections: 1_000_000 } }],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await api(method, path, acmeAdmin(), body);
      expect([method, path, answer.status, answer.body.error?.code]).toEqual([method, path, 403, "forbidden"]);
    }
    expect(await snapshot()).toBe(before);

    // Its own tenant: the listing holds it alone, and it may change it.
    const listed = await api("GET", "/admin/tenants", acmeAdmin());
    expect((listed.body.tenants as Array<{ id: string }>).map((t) => t.id)).toEqual(["acme"]);
    const updated = await api("PATCH", "/admin/tenants/acme", acmeAdmin(), { addOrigins: ["https://www.acme.test"] });
    expect(updated.body).toMatchObject({ ok: true, tenant: { allowedOrigins: ["https://shop.acme.test", "https://www.acme.test"] } });
    const rotated = await api("POST", "/admin/tenants/acme/widget-key", acmeAdmin());
    expect(rotated.body).toMatchObject({ ok: true, tenant: "acme", widgetKey: expect.stringMatching(/^wk_/) });
    const quarantined = await api("GET", "/admin/outbox/quarantined", acmeAdmin());
    expect(quarantined.body).toMatchObject({ ok: true, events: [] });
  });

  it.each([
    ["no token", undefined, 401, "unauthorized"],
    ["an agent token", "agent", 403, "forbidden"],
  ])("refuses %s on every admin route", async (_name, role, status, code) => {
    const bearer = role === undefined ? undefined : token("acme", "agent");
    for (const [method, path] of [["GET", "/admin/tenants"], ["POST", "/admin/tenants/acme/widget-key"], ["GET", "/admin/outbox/quarantined"]] as const) {
      const answer = await api(method, path, bearer);
      expect([path, answer.status, answer.body.error?.code]).toEqual([path, status, code]);
    }
  });

  it.each([
    ["an origin that is not one", "POST", "/admin/tenants", { id: "bad1", name: "Bad", origins: ["https://shop.test/path"] }],
    ["a tenant id outside the pattern", "POST", "/admin/tenants", { id: "bad:1", name: "Bad" }],
    ["the reserved operator tenant", "POST", "/admin/tenants", { id: OPERATOR_TENANT, name: "Ops" }],
    ["an existing tenant", "POST", "/admin/tenants", { id: "acme", name: "Acme again" }],
    ["an unknown field", "POST", "/admin/tenants", { id: "bad2", name: "Bad", color: "red" }],
    ["an empty update", "PATCH", "/admin/tenants/acme", {}],
    ["origins and addOrigins together", "PATCH", "/admin/tenants/acme", { origins: [], addOrigins: ["https://x.test"] }],
    ["a bad email", "POST", "/admin/tenants/acme/users", { email: "nope", role: "agent" }],
    ["a bad role", "POST", "/admin/tenants/acme/users", { email: "x@acme.test", role: "visitor" }],
    ["a short password", "POST", "/admin/tenants/acme/users", { email: "x@acme.test", role: "agent", password: "short" }],
    ["a short new password", "PUT", "/admin/tenants/globex/users/gina%40globex.test/password", { password: "short" }],
    ["a re-drive of nothing", "POST", "/admin/outbox/redrive", { ids: [] }],
    ["a re-drive id that is not one", "POST", "/admin/outbox/redrive", { ids: ["x"] }],
  ])("answers %s with 400 invalid and changes nothing", async (_name, method, path, body) => {
    const before = await snapshot();
    const auditCount = audits().length;
    const answer = await api(method, path, operator(), body);
    expect([answer.status, answer.body.error?.code]).toEqual([400, "invalid"]);
    expect(answer.body.error?.message.length).toBeGreaterThan(5);
    expect(await snapshot()).toBe(before);
    expect(audits()).toHaveLength(auditCount);
  });

  it("answers 404 for an unknown tenant, user or event", async () => {
    expect((await api("GET", "/admin/tenants/nobody", operator())).status).toBe(404);
    expect((await api("POST", "/admin/tenants/acme/users/ghost%40acme.test/disable", operator())).body.error?.code).toBe("not_found");
    const redrive = await api("POST", "/admin/outbox/redrive", operator(), { ids: ["00000000-0000-4000-8000-000000000000"] });
    expect(redrive).toMatchObject({ status: 404, body: { ok: false, error: { code: "not_found" }, refused: [{ reason: "not_found" }] } });
  });

  it("disables a user: sign-in is refused and the tokens it had are revoked", async () => {
    const signIn = (email = "GINA@globex.test") =>
      fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenant: "globex", email, password: "globex-password" }) });
    // The email matches in any case, but never as a pattern.
    expect((await signIn("gin_@globex.test")).status).toBe(401);
    const before = await signIn();
    expect(before.status).toBe(200);
    const { token: consoleToken } = (await before.json()) as { token: string };
    expect((await fetch(`${base}/api/v1/chat/sessions`, { headers: { authorization: `Bearer ${consoleToken}` } })).status).toBe(200);

    const disabled = await api("POST", "/admin/tenants/globex/users/gina%40globex.test/disable", operator());
    expect(disabled.body).toMatchObject({ ok: true, user: { disabled: true, tokensRevoked: true } });
    expect((await signIn()).status).toBe(401);
    expect((await fetch(`${base}/api/v1/chat/sessions`, { headers: { authorization: `Bearer ${consoleToken}` } })).status).toBe(401);

    const enabled = await api("POST", "/admin/tenants/globex/users/gina%40globex.test/enable", operator());
    expect(enabled.body).toMatchObject({ ok: true, user: { disabled: false } });
    const reset = await api("PUT", "/admin/tenants/globex/users/gina%40globex.test/password", operator(), { password: "a-new-password" });
    expect(reset.body).toMatchObject({ ok: true, user: { hasPassword: true } });
    expect((await signIn()).status).toBe(401);
  });

  it("keeps POST /api/v1/admin/revoke working for a tenant admin; an operator names the tenant", async () => {
    const answer = await api("POST", "/admin/revoke", acmeAdmin(), { user: "agent7" });
    expect(answer).toMatchObject({ status: 200, body: { ok: true, revoked: { kind: "user", tenant: "acme", sub: "agent7" } } });
    const elsewhere = await api("POST", "/admin/revoke", acmeAdmin(), { user: "agent7", tenant: "globex" });
    expect([elsewhere.status, elsewhere.body.error?.code]).toEqual([403, "forbidden"]);
    const byOperator = await api("POST", "/admin/revoke", operator(), { session: "s_9", tenant: "globex" });
    expect(byOperator).toMatchObject({ status: 200, body: { ok: true, revoked: { kind: "session", tenant: "globex", session: "s_9" } } });
  });

  it("wrote one audit line per change naming who, what and the target, and no secret", async () => {
    const summary = audits().map((l) => [l.action, (l.actor as { tenant?: string }).tenant, l.target]);
    expect(summary).toEqual([
      ["tenant.create", OPERATOR_TENANT, { tenant: "acme" }],
      ["tenant.create", OPERATOR_TENANT, { tenant: "globex" }],
      ["user.create", OPERATOR_TENANT, { tenant: "globex", user: expect.stringMatching(/^u_/), email: "gina@globex.test" }],
      ["tenant.update", "acme", { tenant: "acme" }],
      ["widget-key.rotate", "acme", { tenant: "acme" }],
      ["user.disable", OPERATOR_TENANT, expect.objectContaining({ tenant: "globex", email: "gina@globex.test" })],
      ["user.enable", OPERATOR_TENANT, expect.objectContaining({ tenant: "globex" })],
      ["user.set-password", OPERATOR_TENANT, expect.objectContaining({ tenant: "globex" })],
      ["auth.revoke", "acme", { tenant: "acme", user: "agent7" }],
      ["auth.revoke", OPERATOR_TENANT, { tenant: "globex", session: "s_9" }],
    ]);
    expect(audits()[0]).toMatchObject({ actor: { kind: "token", sub: "ops", role: "admin" }, changes: { allowedOrigins: ["https://shop.acme.test"], keyHint: expect.stringMatching(/^wk_.{4}…$/) } });
    const keys = (await db.prisma.tenant.findMany()).map((t) => t.widgetKey);
    const hashes = (await db.prisma.user.findMany()).map((u) => u.passwordHash);
    const everything = raw.join("\n");
    for (const secret of [...keys, ...hashes, "globex-password", "a-new-password", "taken-over!", "spy-password"]) expect(everything).not.toContain(secret);
  });
});
