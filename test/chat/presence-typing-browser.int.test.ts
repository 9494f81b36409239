/**
 * Presence and typing in headless Chromium, on two gateway processes and a relay started by
 * scripts/cluster `startCluster` (a database and Redis prefix of its own): a console signed
 * in on node 0 and a widget whose script (and socket) come from node 1, on a third-party
 * page of the tenant's.
 * - the console shows its agent online; opening the chat makes the widget say "Agent One
 *   is here" and the console list the visitor in the chat;
 * - the visitor typing shows "… is typing…" in the console, and the agent typing shows it
 *   in the widget; each disappears by itself (no "stopped" is sent: the text stays in the box).
 */
import { seedTenant } from "@roomcast/chat";
import { createDb } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, type Page } from "playwright-core";
import { startCluster, type Cluster } from "../../scripts/cluster/start-cluster";
import { deleteKeys, TEST_REDIS_URL } from "@roomcast/gateway/testing";
import { launchChromium } from "../support/chromium";

jest.setTimeout(60_000);
const T = 15_000;

describe("presence and typing in Chromium, widget and console on two nodes", () => {
  let database: TestDatabase;
  let cluster: Cluster;
  let browser: Browser;
  let host: Server;
  let shopOrigin = "";
  const urls: string[] = [];

  beforeAll(async () => {
    host = createServer((_req, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>
<script src="${urls[1]}/widget.js" data-widget-key="typing-shop-key"></script></body></html>`),
    );
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    shopOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    database = await createTestDatabase();
    const db = await createDb({ databaseUrl: database.url });
    await seedTenant(db, {
      id: "shop",
      name: "Shop",
      widgetKey: "typing-shop-key",
      allowedOrigins: [shopOrigin],
      users: [{ id: "agent1", email: "agent1@shop.test", name: "Agent One", role: "agent", password: "pw-one" }],
    });
    await db.close();
    cluster = await startCluster({
      nodes: 2,
      relays: 1,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `roomcast-typing-${randomBytes(4).toString("hex")}`,
      logLevel: "warn",
      env: { ROOMCAST_JWT_SECRET: randomBytes(32).toString("hex"), ROOMCAST_ALLOWED_ORIGINS: "*", ROOMCAST_ADMIN_UI: "off", ROOMCAST_DEMO_SEED: "off", ROOMCAST_ANALYTICS_INTERVAL_MS: "0" },
    });
    urls.push(...cluster.gateways.map((g) => g.url));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
    // The runner leaves its Redis keys (an operator's cluster keeps them); a test run does not.
    if (cluster) await deleteKeys(TEST_REDIS_URL, cluster.prefix);
    host?.close();
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

  it("shows who is here and who is typing on the other side, and typing goes away by itself", async () => {
    const agent = await openConsole();
    await agent.locator("[data-testid=agents-online]", { hasText: "Agents online: Agent One" }).waitFor({ timeout: T });

    const widget = await (await browser.newContext()).newPage();
    await widget.goto(`${shopOrigin}/`);
    await widget.getByTestId("rc-bubble").click();
    await widget.locator("[data-testid=rc-state]", { hasText: "Live" }).waitFor({ timeout: T });
    await expect(widget.getByTestId("rc-presence").textContent()).resolves.toBe("");

    await agent.locator("[data-testid=session-item]").first().click();
    await widget.locator("[data-testid=rc-presence]", { hasText: "Agent One is here" }).waitFor({ timeout: T });
    await agent.locator("[data-testid=detail-presence]", { hasText: "(visitor)" }).waitFor({ timeout: T });

    // The visitor types: the console shows it, then drops it by itself.
    await widget.getByTestId("rc-input").fill("I have a question about");
    const visitorTyping = agent.locator("[data-testid=detail-typing]", { hasText: "is typing…" });
    await visitorTyping.waitFor({ timeout: T });
    expect(await visitorTyping.textContent()).toMatch(/^Visitor .+ is typing…$/);
    await visitorTyping.waitFor({ state: "detached", timeout: T });
    await expect(agent.getByTestId("detail-typing").textContent()).resolves.toBe("");

    // The agent types: the widget shows it, then drops it by itself.
    await agent.getByTestId("reply-input").fill("Let me check");
    const agentTyping = widget.locator("[data-testid=rc-typing]", { hasText: "Agent One is typing…" });
    await agentTyping.waitFor({ timeout: T });
    await agentTyping.waitFor({ state: "detached", timeout: T });
    await expect(widget.getByTestId("rc-typing").textContent()).resolves.toBe("");
    // The draft survived the redraws the typing caused.
    await expect(agent.getByTestId("reply-input").inputValue()).resolves.toBe("Let me check");
  });
});
