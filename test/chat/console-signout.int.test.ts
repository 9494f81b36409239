/**
 * The console's "Sign out" in Chromium ends its token on the server: the sign-out calls
 * `POST /api/v1/auth/logout`, and afterwards that token is refused by the API and by a
 * socket handshake, while a new sign-in works. One gateway process (it serves the console
 * page), a per-run database and Redis prefix.
 */
import { seedTenant } from "@roomcast/chat";
import { createDb } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { randomBytes } from "node:crypto";
import { type Browser } from "playwright-core";
import { connectOutcome, openSocket, deleteKeys, TEST_REDIS_URL } from "@roomcast/gateway/testing";
import { startCluster, type Cluster } from "../../scripts/cluster/start-cluster";
import { launchChromium } from "../support/chromium";

jest.setTimeout(60_000);

const SECRET = randomBytes(32).toString("hex");
const T = 15_000;

describe("console sign-out in Chromium", () => {
  let database: TestDatabase;
  let cluster: Cluster;
  let browser: Browser;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = await createDb({ databaseUrl: database.url });
    await seedTenant(db, {
      id: "shop",
      name: "Shop",
      widgetKey: "shop-widget-key",
      allowedOrigins: [],
      users: [{ id: "agent1", email: "agent1@shop.test", name: "Agent One", role: "agent", password: "pw-one" }],
    });
    await db.close();
    cluster = await startCluster({
      nodes: 1,
      relays: 1,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `roomcast-signout-${randomBytes(4).toString("hex")}`,
      logLevel: "warn",
      env: { ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off", ROOMCAST_DEMO_SEED: "off", ROOMCAST_ANALYTICS_INTERVAL_MS: "0" },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
    // The runner leaves its Redis keys (an operator's cluster keeps them); a test run does not.
    if (cluster) await deleteKeys(TEST_REDIS_URL, cluster.prefix);
    await database?.drop();
  });

  it("revokes the console's token on sign-out; signing in again works", async () => {
    const url = cluster.gateways[0]!.url;
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${url}/console`);
    const signIn = async () => {
      // Every field is found by its visible label, and none is pre-filled.
      for (const name of ["Tenant", "Email", "Password"]) expect(await page.getByLabel(name, { exact: true }).inputValue({ timeout: T })).toBe("");
      await page.getByLabel("Tenant", { exact: true }).fill("shop");
      await page.getByLabel("Email", { exact: true }).fill("agent1@shop.test");
      await page.getByLabel("Password", { exact: true }).fill("pw-one");
      const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/login"), { timeout: T });
      await page.getByTestId("login-submit").click();
      const token = ((await (await answer).json()) as { token: string }).token;
      await page.locator("[data-testid=conn][data-mode=live]").waitFor({ timeout: T });
      return token;
    };
    const token = await signIn();
    const api = (t: string) => fetch(`${url}/api/v1/chat/sessions`, { headers: { authorization: `Bearer ${t}` } });
    expect((await api(token)).status).toBe(200);

    const logout = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/logout"), { timeout: T });
    await page.getByRole("button", { name: "Sign out" }).click();
    expect((await logout).status()).toBe(200);
    await page.getByTestId("login").waitFor({ timeout: T });

    const refused = await api(token);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: "unauthorized", message: "token revoked" } });
    const socket = openSocket(url, token);
    expect(await connectOutcome(socket)).toMatchObject({ connected: false, code: "unauthorized" });
    socket.disconnect();

    const again = await signIn();
    expect((await api(again)).status).toBe(200);
  });
});
