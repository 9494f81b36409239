/**
 * "Run it for a real customer", end to end: everything the customer needs is made with the
 * operator CLI (`node apps/gateway/bin/roomcast.js`, the package's bin) against PostgreSQL
 * — a tenant with its site's origin, a rotated widget key, an agent with a password — and
 * then, in headless Chromium against a gateway process on that database (demo seed off):
 * - the agent signs in to the console;
 * - a visitor opens the tenant's widget on the allowed origin with the new key, and the two
 *   exchange messages;
 * - the widget key from before the rotation is refused (API and widget);
 * - after `roomcast user disable`, the agent can no longer sign in.
 */
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { type Browser, type Page } from "playwright-core";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process";
import { REPO_ROOT, roomcast, roomcastOk } from "./roomcast-cli";
import { launchChromium } from "../support/chromium";

jest.setTimeout(180_000);

const ARTIFACTS = path.join(REPO_ROOT, "test-artifacts");
const SECRET = "operator-browser-test-secret-0123456789abcdef";
const AGENT = { email: "Agent.One@shop.test", password: "agent-one-password" };
const T = 15_000;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("a customer set up with the roomcast CLI, in Chromium", () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let browser: Browser;
  let shop: Server;
  let shopOrigin = "";
  const keys = { old: "", current: "" };
  let env: Record<string, string>;

  beforeAll(async () => {
    // The customer's own site, embedding the widget with whichever key the path names.
    shop = createServer((req, res) => {
      const key = req.url === "/old-key" ? keys.old : keys.current;
      res.writeHead(200, { "content-type": "text/html" }).end(
        `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>The shop</h1>
<script src="${gateway.url}/widget.js" data-widget-key="${key}"></script></body></html>`,
      );
    });
    shopOrigin = await listen(shop);
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off" };

    const created = await roomcastOk(["tenant", "create", "shop", "--name", "The Shop", "--origin", shopOrigin, "--json"], env);
    keys.old = (created.json as { tenant: { widgetKey: string } }).tenant.widgetKey;
    const rotated = await roomcastOk(["widget-key", "rotate", "shop"], env);
    keys.current = rotated.stdout.trim();
    await roomcastOk(["user", "create", "shop", AGENT.email, "--role", "agent", "--name", "Agent One", "--password-stdin"], env, { stdin: `${AGENT.password}\n` });

    gateway = await startGatewayProcess({ ...env, NODE_ENV: "test", ROOMCAST_DEMO_SEED: "off" });
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    shop?.close();
    await database?.drop();
  });

  async function signIn(page: Page, password: string): Promise<void> {
    await page.goto(`${gateway.url}/console`);
    await page.getByTestId("login-tenant").fill("shop");
    await page.getByTestId("login-email").fill(AGENT.email);
    await page.getByTestId("login-password").fill(password);
    await page.getByTestId("login-submit").click();
  }

  it("the agent signs in, a visitor on the allowed origin chats with them, the old key is refused, a disabled agent cannot sign in", async () => {
    expect(keys.current).toMatch(/^wk_/);
    expect(keys.current).not.toBe(keys.old);

    const consolePage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await signIn(consolePage, AGENT.password);
    await consolePage.locator("[data-testid=conn][data-mode=live]").waitFor({ timeout: T });

    const widget = await (await browser.newContext({ viewport: { width: 900, height: 700 } })).newPage();
    await widget.goto(`${shopOrigin}/`);
    await widget.getByTestId("rc-bubble").click();
    await widget.locator("[data-testid=rc-state]", { hasText: "Live" }).waitFor({ timeout: T });
    await widget.getByTestId("rc-input").fill("Hello, is anyone there?");
    await widget.getByTestId("rc-send").click();

    await consolePage.locator("[data-testid=session-item][data-status=waiting]").first().waitFor({ timeout: T });
    await consolePage.locator("[data-testid=session-item]").first().click();
    await consolePage.locator("[data-testid=message]", { hasText: "Hello, is anyone there?" }).waitFor({ timeout: T });
    await consolePage.getByTestId("reply-input").fill("Agent One here, how can I help?");
    await consolePage.getByTestId("reply-send").click();
    await widget.locator("[data-testid=rc-message]", { hasText: "Agent One here, how can I help?" }).waitFor({ timeout: T });
    await consolePage.locator("[data-testid=session-item][data-status=active]").waitFor({ timeout: T });
    await widget.screenshot({ path: path.join(ARTIFACTS, "operator-cli-widget.png") });
    await consolePage.screenshot({ path: path.join(ARTIFACTS, "operator-cli-console.png") });

    // The key from before the rotation is refused, by the API and in the widget.
    const withOldKey = await fetch(`${gateway.url}/api/v1/widget/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: shopOrigin },
      body: JSON.stringify({ widgetKey: keys.old }),
    });
    expect(withOldKey.status).toBe(401);
    expect(await withOldKey.json()).toMatchObject({ ok: false, error: { code: "unauthorized", message: "unknown widget key" } });
    const oldKeyPage = await (await browser.newContext()).newPage();
    await oldKeyPage.goto(`${shopOrigin}/old-key`);
    await oldKeyPage.getByTestId("rc-bubble").click();
    await oldKeyPage.locator("[data-testid=rc-error]", { hasText: "unknown widget key (unauthorized)" }).waitFor({ timeout: T });

    // Disabled through the CLI: the same credentials no longer sign in.
    const disabled = await roomcastOk(["user", "disable", "shop", AGENT.email, "--json"], env);
    expect(disabled.json).toMatchObject({ user: { email: AGENT.email.toLowerCase(), disabled: true } });
    const again = await (await browser.newContext()).newPage();
    await signIn(again, AGENT.password);
    await again.locator("[data-testid=login-error]", { hasText: "wrong email or password (unauthorized)" }).waitFor({ timeout: T });
    const login = await fetch(`${gateway.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenant: "shop", email: AGENT.email, password: AGENT.password }),
    });
    expect(login.status).toBe(401);

    const users = await roomcast(["user", "list", "shop"], env);
    expect(users.stdout).toMatch(/agent\.one@shop\.test\tagent\tu_\S+\tAgent One\t\(disabled, password set\)/);
  });
});
