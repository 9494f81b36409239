/**
 * Visitor context in headless Chromium, on two gateway processes sharing one Redis and a
 * relay (scripts/cluster startCluster; its own database and Redis prefix). The widget's
 * script and every widget call go to node 1; the agent's console is on node 0, so all it
 * shows came through the outbox, the relay and Redis (or node 0's database reads).
 * - a visitor who came from another page (a referrer), with a French browser, fills the
 *   pre-chat form: the console shows page, referrer, locale, name and e-mail, not verified;
 * - `Roomcast.identify` with a wrong userHash is refused (`identity_unverified`) and changes
 *   nothing; with the right one the console shows the identity verified, live;
 * - the agent ends that chat and the visitor starts a new one on the same page: it starts
 *   verified and its history lists the previous session (the same verified user);
 * - another visitor identified with a wrong hash before the chat: the chat starts
 *   anonymous, the widget says `identity_unverified`, the console shows it not verified and
 *   with no history.
 */
import { seedTenant } from "@roomcast/chat";
import { createDb, type Db } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, type Page } from "playwright-core";
import { startCluster, type Cluster } from "../../scripts/cluster/start-cluster";
import { deleteKeys, TEST_REDIS_URL } from "@roomcast/gateway/testing";
import { launchChromium } from "../support/chromium";

jest.setTimeout(90_000);
const T = 15_000;
const SECRET = "visitor-context-test-secret-0123456789";
const userHash = (subject: string) => createHmac("sha256", SECRET).update(subject).digest("hex");

type IdentifyAnswer = { ok: boolean; verified?: boolean; queued?: boolean; error?: { code: string } };

describe("visitor context in Chromium: page, referrer, locale, pre-chat form, identify and history across two nodes", () => {
  let database: TestDatabase;
  let db: Db;
  let cluster: Cluster;
  let browser: Browser;
  let host: Server;
  let shopOrigin = "";
  const urls: string[] = [];

  beforeAll(async () => {
    host = createServer((req, res) => {
      const html =
        req.url === "/from"
          ? `<a id="go" href="/shop?item=42">to the shop</a>`
          : `<h1>Shop</h1><script src="${urls[1]}/widget.js" data-widget-key="ctx-shop-key" data-prechat="name email"></script>`;
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body>${html}</body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    shopOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    database = await createTestDatabase();
    db = await createDb({ databaseUrl: database.url });
    await seedTenant(db, {
      id: "shop",
      name: "Shop",
      widgetKey: "ctx-shop-key",
      allowedOrigins: [shopOrigin],
      identitySecret: SECRET,
      users: [{ id: "agent1", email: "agent1@shop.test", name: "Agent One", role: "agent", password: "pw-one" }],
    });
    cluster = await startCluster({
      nodes: 2,
      relays: 1,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `roomcast-visitor-${randomBytes(4).toString("hex")}`,
      logLevel: "warn",
      env: { ROOMCAST_JWT_SECRET: randomBytes(32).toString("hex"), ROOMCAST_ALLOWED_ORIGINS: "*", ROOMCAST_ADMIN_UI: "off", ROOMCAST_DEMO_SEED: "off", ROOMCAST_ANALYTICS_INTERVAL_MS: "0" },
    });
    urls.push(...cluster.gateways.map((g) => g.url));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
    if (cluster) await deleteKeys(TEST_REDIS_URL, cluster.prefix);
    host?.close();
    await db?.close();
    await database?.drop();
  });

  async function openConsole(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${urls[0]}/console`);
    await page.getByTestId("login-tenant").fill("shop");
    await page.getByTestId("login-email").fill("agent1@shop.test");
    await page.getByTestId("login-password").fill("pw-one");
    await page.getByTestId("login-submit").click();
    await page.locator("[data-testid=conn][data-mode=live]").waitFor({ timeout: T });
    return page;
  }

  const sessionStarted = (page: Page) =>
    page.waitForResponse((r) => r.url().endsWith("/api/v1/widget/sessions") && r.request().method() === "POST", { timeout: T }).then(async (r) => (await r.json()) as { session: { id: string }; identity?: IdentifyAnswer });

  const identify = (page: Page, identity: Record<string, string>) =>
    page.evaluate((i) => (window as unknown as { Roomcast: { identify(x: unknown): Promise<unknown> } }).Roomcast.identify(i), identity) as Promise<IdentifyAnswer>;

  /** Opens a session in the console and answers its visitor panel. */
  async function openInConsole(agent: Page, sessionId: string) {
    await agent.locator(`[data-testid=session-item][data-session-id=${sessionId}]`).click({ timeout: T });
    const panel = agent.locator(`[data-testid=visitor][data-session-id=${sessionId}]`);
    await panel.waitFor({ timeout: T });
    return panel;
  }

  const row = (id: string) => db.prisma.chatSession.findUniqueOrThrow({ where: { id } });

  it("shows the context in the console, verifies identify by its hash, and lists a returning visitor's previous session", async () => {
    const agent = await openConsole();

    // A visitor from another page, with a French browser, fills the pre-chat form.
    const visitor = await (await browser.newContext({ locale: "fr-FR" })).newPage();
    await visitor.goto(`${shopOrigin}/from`);
    await visitor.click("#go");
    await visitor.waitForURL(`${shopOrigin}/shop?item=42`);
    await visitor.getByTestId("rc-bubble").click();
    await visitor.getByTestId("rc-prechat").waitFor({ timeout: T });
    await visitor.getByTestId("rc-prechat-name").fill("Zoé Martin");
    await visitor.getByTestId("rc-prechat-email").fill("Zoe@Example.test");
    const started = sessionStarted(visitor);
    await visitor.getByTestId("rc-prechat-start").click();
    const first = (await started).session.id;
    await visitor.locator("[data-testid=rc-state]", { hasText: "Live" }).waitFor({ timeout: T });

    const panel = await openInConsole(agent, first);
    await panel.getByTestId("visitor-page").getByText(`${shopOrigin}/shop?item=42`).waitFor({ timeout: T });
    await panel.getByTestId("visitor-referrer").getByText(`${shopOrigin}/from`).waitFor({ timeout: T });
    await panel.getByTestId("visitor-locale").getByText("fr-FR").waitFor({ timeout: T });
    await panel.getByTestId("visitor-name").getByText("Zoé Martin").waitFor({ timeout: T });
    await panel.getByTestId("visitor-email").getByText("zoe@example.test").waitFor({ timeout: T });
    await panel.locator("[data-testid=visitor-verified][data-verified=false]", { hasText: "not identified" }).waitFor({ timeout: T });
    await panel.locator("[data-testid=visitor-history][data-state=loaded][data-count='0']").waitFor({ timeout: T });
    await expect(panel.locator("[data-testid=visitor-page] a").getAttribute("href")).resolves.toBe(`${shopOrigin}/shop?item=42`);

    // identify with a wrong hash: refused with the stable code, nothing changes.
    const refused = await identify(visitor, { userId: "cust-7", name: "Rita", email: "rita@example.test", userHash: userHash("cust-8") });
    expect(refused).toMatchObject({ ok: false, error: { code: "identity_unverified" } });
    await visitor.locator("[data-testid=rc-panel][data-identity=identity_unverified]").waitFor({ timeout: T });
    expect(await row(first)).toMatchObject({ identityVerified: false, visitorUserId: null, visitorName: "Zoé Martin", visitorEmail: "zoe@example.test" });
    await expect(panel.getByTestId("visitor-verified").getAttribute("data-verified")).resolves.toBe("false");

    // With the right hash: verified, and the console on the other node shows it live.
    const accepted = await identify(visitor, { userId: "cust-7", name: "Rita", email: "rita@example.test", userHash: userHash("cust-7") });
    expect(accepted).toEqual({ ok: true, verified: true });
    await panel.locator("[data-testid=visitor-verified][data-verified=true]", { hasText: "verified (user cust-7)" }).waitFor({ timeout: T });
    await panel.getByTestId("visitor-email").getByText("rita@example.test").waitFor({ timeout: T });
    await panel.getByTestId("visitor-name").getByText("Rita").waitFor({ timeout: T });

    // The agent ends the chat; the visitor starts a new one on the same page: verified at once, with history.
    await agent.getByTestId("end").click();
    await visitor.getByTestId("rc-ended").waitFor({ state: "visible", timeout: T });
    const restarted = sessionStarted(visitor);
    await visitor.getByRole("button", { name: "Start a new chat" }).click();
    const second = await restarted;
    expect(second.identity).toEqual({ ok: true, verified: true });
    await visitor.locator("[data-testid=rc-panel][data-identity=verified]").waitFor({ timeout: T });
    const returning = await openInConsole(agent, second.session.id);
    await returning.locator("[data-testid=visitor-verified][data-verified=true]", { hasText: "verified (user cust-7)" }).waitFor({ timeout: T });
    await returning.locator("[data-testid=visitor-history][data-state=loaded][data-count='1']").waitFor({ timeout: T });
    await returning.locator(`[data-testid=visitor-history-item][data-session-id=${first}][data-match=user]`, { hasText: "same verified user" }).waitFor({ timeout: T });

    // Another visitor identified with a wrong hash before the chat: it starts anonymous.
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(`${shopOrigin}/shop?item=1`);
    await stranger.getByTestId("rc-bubble").waitFor({ timeout: T });
    await expect(identify(stranger, { userId: "cust-7", name: "Mallory", userHash: userHash("mallory") })).resolves.toEqual({ ok: true, queued: true });
    const strangerStart = sessionStarted(stranger);
    await stranger.getByTestId("rc-bubble").click();
    const third = await strangerStart;
    expect(third.identity).toMatchObject({ ok: false, error: { code: "identity_unverified" } });
    await stranger.locator("[data-testid=rc-panel][data-identity=identity_unverified]").waitFor({ timeout: T });
    const anonymous = await openInConsole(agent, third.session.id);
    await anonymous.locator("[data-testid=visitor-verified][data-verified=false]", { hasText: "not identified" }).waitFor({ timeout: T });
    await anonymous.locator("[data-testid=visitor-history][data-state=loaded][data-count='0']").waitFor({ timeout: T });
    await expect(anonymous.getByTestId("visitor-name").textContent()).resolves.not.toContain("Mallory");
    expect(await row(third.session.id)).toMatchObject({ identityVerified: false, visitorUserId: null, visitorEmail: null, pageUrl: `${shopOrigin}/shop?item=1`, referrer: null });
  });
});
