/**
 * Every `roomcast` command given bad input, run as the real `bin` against PostgreSQL:
 * each exits 2 with a clear message on stderr, writes no audit line, and changes nothing
 * in the database (tenants, users, limits, streams and outbox compared before and after).
 * Runtime failures exit 1 and say what to do: an embedded database folder held by a
 * running gateway, a database that cannot be reached.
 */
import { createDb, lockPgliteDir, type Db } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { auditLines, roomcast, roomcastOk } from "./roomcast-cli";

jest.setTimeout(120_000);

const SECRET = "operator-cli-test-secret-0123456789abcdef";
const UNKNOWN_EVENT = "00000000-0000-4000-8000-000000000000";

describe("roomcast with bad input", () => {
  let database: TestDatabase;
  let db: Db;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ databaseUrl: database.url });
    env = { DATABASE_URL: database.url, ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off" };
    await roomcastOk(["tenant", "create", "acme", "--name", "Acme", "--origin", "https://shop.acme.test"], env);
    await roomcastOk(["user", "create", "acme", "ana@acme.test", "--role", "agent", "--password-stdin"], env, { stdin: "pw-for-ana-1\n" });
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  const snapshot = async (): Promise<string> =>
    JSON.stringify(
      await db.prisma.$queryRaw`
        SELECT (SELECT json_agg(t ORDER BY id) FROM tenants t) AS tenants,
               (SELECT json_agg(u ORDER BY id) FROM users u) AS users,
               (SELECT json_agg(l ORDER BY tenant_id) FROM tenant_limits l) AS limits,
               (SELECT json_agg(s ORDER BY id) FROM streams s) AS streams,
               (SELECT count(*)::int FROM outbox_events) AS events`,
    );

  it.each<[string, string[], RegExp, string?]>([
    ["tenant create without --name", ["tenant", "create", "globex"], /tenant: name: /],
    ["tenant create with an id outside the pattern", ["tenant", "create", "glo:bex", "--name", "G"], /id: must match \[A-Za-z0-9_-\]\{1,64\}/],
    ["tenant create with the reserved operator tenant", ["tenant", "create", "_deployment", "--name", "Ops"], /_deployment is reserved/],
    ["tenant create with an origin that is no URL", ["tenant", "create", "globex", "--name", "G", "--origin", "globex.test"], /"globex.test" is not a URL/],
    ["tenant create with an origin with a path", ["tenant", "create", "globex", "--name", "G", "--origin", "https://globex.test/shop"], /is not an origin: give scheme:\/\/host\[:port\]/],
    ["tenant create of an existing tenant", ["tenant", "create", "acme", "--name", "Again"], /tenant acme already exists \(invalid\)/],
    ["tenant create with a zero limit", ["tenant", "create", "globex", "--name", "G", "--max-connections", "0"], /maxConnections: /],
    ["tenant create with an unknown option", ["tenant", "create", "globex", "--name", "G", "--colour", "red"], /Unknown option '--colour'/],
    ["tenant list with an argument", ["tenant", "list", "acme"], /unexpected argument "acme"/],
    ["tenant update of an unknown tenant", ["tenant", "update", "nobody", "--name", "N"], /no tenant nobody \(not_found\)/],
    ["tenant update with nothing to change", ["tenant", "update", "acme"], /nothing to change/],
    ["tenant update with --origin and --add-origin", ["tenant", "update", "acme", "--origin", "https://a.test", "--add-origin", "https://b.test"], /not both/],
    ["tenant update with a bad origin", ["tenant", "update", "acme", "--add-origin", "mailto:x@y.test"], /is not an origin/],
    ["widget-key rotate without a tenant", ["widget-key", "rotate"], /missing <tenant>/],
    ["widget-key rotate of an unknown tenant", ["widget-key", "rotate", "nobody"], /no tenant nobody \(not_found\)/],
    ["widget-key with an unknown subcommand", ["widget-key", "show", "acme"], /unknown command "widget-key show"/],
    ["user create with a bad email", ["user", "create", "acme", "not-an-email", "--role", "agent"], /email: must be an email address/],
    ["user create with a visitor role", ["user", "create", "acme", "bo@acme.test", "--role", "visitor"], /role: must be agent or admin/],
    ["user create without --role", ["user", "create", "acme", "bo@acme.test"], /role: must be agent or admin/],
    ["user create in an unknown tenant", ["user", "create", "nobody", "bo@nobody.test", "--role", "agent"], /no tenant nobody \(not_found\)/],
    ["user create with a short password", ["user", "create", "acme", "bo@acme.test", "--role", "agent", "--password-stdin"], /password: must be at least 8 characters/, "short\n"],
    ["user create with no password on stdin", ["user", "create", "acme", "bo@acme.test", "--role", "agent", "--password-stdin"], /no password on standard input/, ""],
    ["user create of an existing email (any case)", ["user", "create", "acme", "ANA@acme.test", "--role", "admin"], /already has a user with this email/],
    ["user list of an unknown tenant", ["user", "list", "nobody"], /no tenant nobody/],
    ["user disable of an unknown user", ["user", "disable", "acme", "ghost@acme.test"], /tenant acme has no user ghost@acme.test \(not_found\)/],
    ["user disable with a bad email", ["user", "disable", "acme", "ghost"], /email: must be an email address/],
    ["user set-password without --password-stdin", ["user", "set-password", "acme", "ana@acme.test"], /give --password-stdin/],
    ["user set-password with a short password", ["user", "set-password", "acme", "ana@acme.test", "--password-stdin"], /password: must be at least 8/, "tiny"],
    ["user set-password with a password over 72 bytes", ["user", "set-password", "acme", "ana@acme.test", "--password-stdin"], /at most 72 bytes/, "x".repeat(73)],
    ["user set-password of an unknown user", ["user", "set-password", "acme", "ghost@acme.test", "--password-stdin"], /has no user ghost@acme.test/, "long enough pw"],
    ["hash-password with nothing on stdin", ["hash-password"], /no password on standard input/, ""],
    ["token with an unknown role", ["token", "--tenant", "acme", "--sub", "x", "--role", "root"], /role: /],
    ["revoke with both --user and --session", ["revoke", "--tenant", "acme", "--user", "a", "--session", "s"], /exactly one of --user and --session/],
    ["outbox quarantined with a zero limit", ["outbox", "quarantined", "--limit", "0"], /limit: /],
    ["outbox quarantined with a bad tenant", ["outbox", "quarantined", "--tenant", "a:b"], /tenant: must match/],
    ["outbox redrive of a malformed id", ["outbox", "redrive", "not-a-uuid"], /must be an event id/],
    ["outbox redrive of an unknown event", ["outbox", "redrive", UNKNOWN_EVENT], new RegExp(`no event ${UNKNOWN_EVENT} \\(not_found\\)`)],
    ["outbox redrive with ids and --all", ["outbox", "redrive", "--all", UNKNOWN_EVENT], /give event ids or --all, not both/],
    ["migrate with an argument", ["migrate", "now"], /unexpected argument "now"/],
    ["an unknown command", ["tenants"], /unknown command "tenants"/],
  ])("%s: exit 2, a clear message, no change", async (...[, args, message, stdin]) => {
    const before = await snapshot();
    const run = await roomcast(args, env, stdin === undefined ? {} : { stdin });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(message) });
    expect(run.stdout).toBe("");
    expect(auditLines(run)).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it("a bad configuration: exit 2 naming the key", async () => {
    const run = await roomcast(["check-config"], { ...env, ROOMCAST_RELAY: "sometimes" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/ROOMCAST_RELAY/);
  });

  it("an embedded folder held by a running gateway: exit 1, saying to use the admin API or stop the node", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "roomcast-cli-locked-"));
    const lock = lockPgliteDir(dir);
    try {
      const run = await roomcast(["tenant", "list"], { ROOMCAST_DATA_DIR: dir, ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off" });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`in use by process ${process.pid}`);
      expect(run.stderr).toMatch(/the CLI cannot open the embedded database while that node runs: use the node's admin API \(\/api\/v1\/admin\/…/);
      expect(run.stderr).toMatch(/or stop the node and run the command again/);
    } finally {
      lock.release();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a database that cannot be reached: exit 1 naming it, without its password", async () => {
    const run = await roomcast(["tenant", "list"], { ...env, DATABASE_URL: "postgres://app:s3cret-pw@127.0.0.1:1/roomcast" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot reach the database at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/roomcast/);
    expect(run.stderr).not.toContain("s3cret-pw");
  });
});
