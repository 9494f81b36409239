/**
 * `roomcast tenant identity-secret` (the real binary against a real PostgreSQL): generate
 * prints the new secret once, a secret from standard input is stored and never printed or
 * audited, clear turns verification off; bad input is exit 2 and changes nothing.
 */
import { createDb, type Db } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { auditLines, roomcast, roomcastOk } from "../operator/roomcast-cli";

jest.setTimeout(120_000);

describe("roomcast tenant identity-secret", () => {
  let database: TestDatabase;
  let db: Db;
  let env: Record<string, string>;
  const stored = async () => (await db.prisma.tenant.findUniqueOrThrow({ where: { id: "acme" } })).identitySecret;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ databaseUrl: database.url });
    env = { DATABASE_URL: database.url, ROOMCAST_JWT_SECRET: "visitor-cli-test-secret-0123456789abcdef", ROOMCAST_ADMIN_UI: "off" };
    await roomcastOk(["tenant", "create", "acme", "--name", "Acme"], env);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it("generates, sets from standard input and clears the secret", async () => {
    const generated = await roomcastOk(["tenant", "identity-secret", "acme", "--generate", "--json"], env);
    const secret = (generated.json as { secret: string }).secret;
    expect(generated.json).toEqual({ tenant: "acme", verification: "on", secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(await stored()).toBe(secret);
    expect(generated.stderr).not.toContain(secret);

    const given = "a-secret-the-site-already-has-0123456789";
    const set = await roomcastOk(["tenant", "identity-secret", "acme", "--secret-stdin"], env, { stdin: `${given}\n` });
    expect(set.stdout).toBe("identity verification on for acme\n");
    expect(await stored()).toBe(given);
    expect(set.stderr).not.toContain(given);
    expect(auditLines(set)).toMatchObject([{ action: "identity-secret.set", target: { tenant: "acme" }, changes: { verification: "on" } }]);

    const cleared = await roomcastOk(["tenant", "identity-secret", "acme", "--clear"], env);
    expect(cleared.stdout).toContain("identity verification off for acme");
    expect(await stored()).toBeNull();
  });

  it.each<[string, string[], string, RegExp]>([
    ["no choice", ["tenant", "identity-secret", "acme"], "", /give exactly one of --generate, --secret-stdin/],
    ["two choices", ["tenant", "identity-secret", "acme", "--generate", "--clear"], "", /give exactly one of/],
    ["a short secret", ["tenant", "identity-secret", "acme", "--secret-stdin"], "short\n", /at least 16 characters/],
    ["an unknown tenant", ["tenant", "identity-secret", "globex", "--generate"], "", /no tenant globex/],
  ])("refuses %s with exit 2 and changes nothing", async (_label, args, stdin, message) => {
    await roomcastOk(["tenant", "identity-secret", "acme", "--secret-stdin"], env, { stdin: "the-secret-before-0123456789" });
    const run = await roomcast(args, env, { stdin });
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(await stored()).toBe("the-secret-before-0123456789");
  });
});
