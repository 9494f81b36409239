/**
 * The widget as a visitor meets it, in headless Chromium at a phone's 375×667 and a desktop's
 * 1280×800, on a third-party page of the tenant's, against a gateway process and a relay
 * (scripts/cluster `startCluster`; the gateway bundles the widget at start-up, `npm start`'s
 * path) with an agent in the console:
 * - the bubble is inside the viewport and is what a click at its centre hits; on the phone
 *   the open panel fills the screen and is modal (Tab stays inside it); the theme colour, position and greeting of the script
 *   tag's `data-` attributes show, and a bad attribute is named in a console warning;
 * - open (focus in the input), send with Enter, the agent's reply under the agent's name,
 *   Escape closes (focus back on the bubble); after a reload the app arrives without a click
 *   (browser idle) and reconnects the chat, and a reply shows the unread badge; reopening
 *   from the keyboard clears it, the close button closes; after the agent ends the chat the input
 *   and Send are disabled and "Start a new chat" starts one;
 * - size budgets (not timing): the widget JS the page loaded — the bodies of the script
 *   responses, compressed here with node:zlib (gzip level 9, brotli's default quality 11) —
 *   on the first load is at most 5 KB gzipped for the loader and 40 KB for all of it. The figures go to
 *   test-artifacts/widget-sizes.json (docs/widget.md quotes them); screenshots beside it.
 */
import { seedTenant } from "@roomcast/chat";
import { createDb } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { deleteKeys, TEST_REDIS_URL } from "@roomcast/gateway/testing";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import { startCluster, type Cluster } from "../../scripts/cluster/start-cluster";
import { launchChromium } from "../support/chromium";

jest.setTimeout(120_000);
const T = 15_000;
const ARTIFACTS = path.resolve(__dirname, "../../test-artifacts");
const LOADER_BUDGET_GZ = 5 * 1024;
const TOTAL_BUDGET_GZ = 40 * 1024;

interface Viewport {
  name: "phone" | "desktop";
  context: BrowserContextOptions;
  /** The script tag's theming attributes and what they should look like. */
  attributes: string;
  color: string;
  side: "left" | "right";
  warning: string | undefined;
}

const VIEWPORTS: Viewport[] = [
  {
    name: "phone",
    context: { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    attributes: 'data-color="#16a34a" data-position="middle" data-greeting="Hi! Ask us anything."',
    color: "rgb(22, 163, 74)",
    side: "right",
    warning: 'Roomcast widget: data-position "middle" ignored: expected left or right',
  },
  {
    name: "desktop",
    context: { viewport: { width: 1280, height: 800 } },
    attributes: 'data-color="#7c3aed" data-position="left" data-greeting="Hi! Ask us anything."',
    color: "rgb(124, 58, 237)",
    side: "left",
    warning: undefined,
  },
];

describe("the widget in Chromium on a phone and a desktop", () => {
  let database: TestDatabase;
  let cluster: Cluster;
  let browser: Browser;
  let host: Server;
  let shopOrigin = "";
  let gatewayUrl = "";
  const sizes: Record<string, unknown> = {};

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    host = createServer((req, res) => {
      const viewport = VIEWPORTS.find((v) => req.url === `/${v.name}`);
      if (viewport === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>
<body style="font: 16px system-ui; margin: 0 auto; max-width: 640px; padding: 16px"><h1>Shop</h1><p>${"Our products. ".repeat(40)}</p>
<script src="${gatewayUrl}/widget.js" data-widget-key="product-shop-key" data-title="Shop help" ${viewport.attributes}></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    shopOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    database = await createTestDatabase();
    const db = await createDb({ databaseUrl: database.url });
    await seedTenant(db, {
      id: "shop",
      name: "Shop",
      widgetKey: "product-shop-key",
      allowedOrigins: [shopOrigin],
      users: [{ id: "agent1", email: "agent1@shop.test", name: "Agent One", role: "agent", password: "pw-one" }],
    });
    await db.close();
    cluster = await startCluster({
      nodes: 1,
      relays: 1,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `roomcast-widget-${randomBytes(4).toString("hex")}`,
      logLevel: "warn",
      env: { ROOMCAST_JWT_SECRET: randomBytes(32).toString("hex"), ROOMCAST_ALLOWED_ORIGINS: "*", ROOMCAST_ADMIN_UI: "off", ROOMCAST_DEMO_SEED: "off", ROOMCAST_ANALYTICS_INTERVAL_MS: "0" },
    });
    gatewayUrl = cluster.gateways[0]?.url ?? "";
    browser = await launchChromium();
  });
  afterAll(async () => {
    writeFileSync(path.join(ARTIFACTS, "widget-sizes.json"), `${JSON.stringify(sizes, null, 2)}\n`);
    await browser?.close();
    await cluster?.stop();
    if (cluster) await deleteKeys(TEST_REDIS_URL, cluster.prefix);
    host?.close();
    await database?.drop();
  });

  async function openConsole(): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${gatewayUrl}/console`);
    await page.getByTestId("login-tenant").fill("shop");
    await page.getByTestId("login-email").fill("agent1@shop.test");
    await page.getByTestId("login-password").fill("pw-one");
    await page.getByTestId("login-submit").click();
    await page.locator("[data-testid=conn][data-mode=live]").waitFor({ timeout: T });
    return page;
  }

  /** What has focus inside the widget's shadow root (its test id), or null. */
  const focused = (page: Page): Promise<string | null> =>
    page.evaluate(() => document.querySelector("[data-roomcast-widget]")?.shadowRoot?.activeElement?.getAttribute("data-testid") ?? null);

  /** The bubble's box is inside the viewport, and a click at its centre hits the bubble itself. */
  async function expectBubbleOnScreen(page: Page, viewport: Viewport): Promise<void> {
    const bubble = page.getByTestId("rc-bubble");
    const box = await bubble.boundingBox();
    const size = page.viewportSize();
    if (box === null || size === null) throw new Error("the bubble has no box");
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(size.width);
    expect(box.y + box.height).toBeLessThanOrEqual(size.height);
    expect(viewport.side === "left" ? box.x < size.width / 2 : box.x > size.width / 2).toBe(true);
    const hit = await page.evaluate(
      ([x, y]) => document.querySelector("[data-roomcast-widget]")?.shadowRoot?.elementFromPoint(x as number, y as number)?.closest("[data-testid=rc-bubble]") !== null,
      [box.x + box.width / 2, box.y + box.height / 2],
    );
    expect(hit).toBe(true);
    await bubble.click({ trial: true, timeout: T });
  }

  it.each(VIEWPORTS)("$name: bubble, theme, send, agent reply, unread badge, close, end and restart; within the size budget", async (viewport) => {
    const agent = await openConsole();
    const context = await browser.newContext(viewport.context);
    const widget = await context.newPage();
    const warnings: string[] = [];
    widget.on("console", (message) => {
      if (message.type() === "warning") warnings.push(message.text());
    });
    const scripts: Promise<{ url: string; body: Buffer }>[] = [];
    widget.on("response", (response) => {
      if (response.request().resourceType() === "script") scripts.push(response.body().then((body) => ({ url: response.url(), body })));
    });
    await widget.goto(`${shopOrigin}/${viewport.name}`);
    const bubble = widget.getByTestId("rc-bubble");
    await bubble.waitFor({ timeout: T });
    await expectBubbleOnScreen(widget, viewport);
    expect(await bubble.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe(viewport.color);
    expect(warnings).toEqual(viewport.warning === undefined ? [] : [viewport.warning]);
    await widget.screenshot({ path: path.join(ARTIFACTS, `widget-${viewport.name}-closed.png`) });

    // Open: the panel (full-screen on the phone), the greeting, focus in the input once live.
    await bubble.click();
    const panel = widget.getByTestId("rc-panel");
    await panel.waitFor({ state: "visible", timeout: T });
    await widget.locator("[data-testid=rc-state]", { hasText: "Live" }).waitFor({ timeout: T });
    await expect(widget.getByTestId("rc-greeting").textContent()).resolves.toBe("Hi! Ask us anything.");
    await expect(panel.getAttribute("role")).resolves.toBe("dialog");
    await expect(widget.getByTestId("rc-messages").getAttribute("role")).resolves.toBe("log");
    const panelBox = await panel.boundingBox();
    if (viewport.name === "phone") expect(panelBox).toEqual({ x: 0, y: 0, width: 375, height: 667 });
    else expect(panelBox?.width).toBe(320);
    await expect(bubble.getAttribute("aria-expanded")).resolves.toBe("true");
    expect(await focused(widget)).toBe("rc-input");
    if (viewport.name === "phone") {
      // Full screen is modal: Tab cycles inside the panel.
      await expect(panel.getAttribute("aria-modal")).resolves.toBe("true");
      await widget.keyboard.press("Tab");
      expect(await focused(widget)).toBe("rc-send");
      await widget.keyboard.press("Tab");
      expect(await focused(widget)).toBe("rc-close");
      await widget.keyboard.press("Shift+Tab");
      expect(await focused(widget)).toBe("rc-send");
      await widget.getByTestId("rc-input").focus();
    } else {
      await expect(panel.getAttribute("aria-modal")).resolves.toBe("false");
    }

    // Enter sends; the agent's reply shows the agent's name.
    await widget.keyboard.type("Hello, is the blue one in stock?");
    await widget.keyboard.press("Enter");
    await widget.locator("[data-testid=rc-message]", { hasText: "Hello, is the blue one in stock?" }).waitFor({ timeout: T });
    const sessionId = await widget.evaluate(() => (JSON.parse(localStorage.getItem("roomcast:visit:product-shop-key") ?? "{}") as { sessionId?: string }).sessionId);
    await agent.locator(`[data-testid=session-item][data-session-id="${sessionId}"]`).click();
    await widget.locator("[data-testid=rc-presence]", { hasText: "Agent One is here" }).waitFor({ timeout: T });
    await agent.getByTestId("reply-input").fill("Yes, we have three.");
    await agent.getByTestId("reply-send").click();
    const reply = widget.locator("[data-testid=rc-message]", { hasText: "Yes, we have three." });
    await reply.waitFor({ timeout: T });
    await expect(reply.locator(".meta").textContent()).resolves.toBe("Agent One");
    await widget.screenshot({ path: path.join(ARTIFACTS, `widget-${viewport.name}-open.png`) });

    // Escape closes and gives focus back to the bubble.
    await widget.keyboard.press("Escape");
    await panel.waitFor({ state: "hidden", timeout: T });
    expect(await focused(widget)).toBe("rc-bubble");
    await expect(widget.getByTestId("rc-unread").isVisible()).resolves.toBe(false);
    const firstLoad = [...scripts];

    // The visitor goes on browsing (a reload): the app comes when the browser is idle, with no
    // click, and reconnects the chat while the panel stays closed; a reply counts on the badge.
    await widget.reload();
    await widget.locator("[data-testid=rc-state]", { hasText: "Live" }).waitFor({ state: "attached", timeout: T });
    await expect(panel.isVisible()).resolves.toBe(false);
    await agent.getByTestId("reply-input").fill("Shall I reserve one?");
    await agent.getByTestId("reply-send").click();
    await widget.locator("[data-testid=rc-unread]", { hasText: "1" }).waitFor({ state: "visible", timeout: T });
    await expect(bubble.getAttribute("aria-label")).resolves.toBe("Chat with us (1 unread message)");
    await expectBubbleOnScreen(widget, viewport);
    await widget.screenshot({ path: path.join(ARTIFACTS, `widget-${viewport.name}-unread.png`) });

    // Reopened from the keyboard: the badge goes; the close button closes.
    await bubble.focus();
    await widget.keyboard.press("Enter");
    await panel.waitFor({ state: "visible", timeout: T });
    await widget.locator("[data-testid=rc-unread]").waitFor({ state: "hidden", timeout: T });
    await widget.locator("[data-testid=rc-message]", { hasText: "Shall I reserve one?" }).waitFor({ timeout: T });
    await widget.getByTestId("rc-close").click();
    await panel.waitFor({ state: "hidden", timeout: T });
    await expect(bubble.getAttribute("aria-expanded")).resolves.toBe("false");

    // The agent ends the chat: input and Send disabled, "Start a new chat" starts another.
    await bubble.click();
    await agent.getByTestId("end").click();
    await widget.locator("[data-testid=rc-ended].shown").waitFor({ timeout: T });
    await expect(widget.getByTestId("rc-input").isDisabled()).resolves.toBe(true);
    await expect(widget.getByTestId("rc-send").isDisabled()).resolves.toBe(true);
    await widget.screenshot({ path: path.join(ARTIFACTS, `widget-${viewport.name}-ended.png`) });
    await widget.getByTestId("rc-restart").click();
    await widget.locator("[data-testid=rc-ended].shown").waitFor({ state: "detached", timeout: T });
    await widget.locator("[data-testid=rc-input]:not([disabled])").waitFor({ timeout: T });
    await expect(widget.locator("[data-testid=rc-message]").count()).resolves.toBe(0);

    // Size budgets: what the page loaded from the gateway, compressed here.
    const loaded = (await Promise.all(firstLoad)).filter((s) => s.url.startsWith(gatewayUrl));
    const routes = loaded.map((s) => new URL(s.url).pathname);
    expect(routes).toEqual(["/widget.js", expect.stringMatching(/^\/assets\/widget-app\.[A-Z0-9]+\.js$/)]);
    const measure = (body: Buffer) => ({ bytes: body.length, gzip: gzipSync(body, { level: 9 }).length, brotli: brotliCompressSync(body).length });
    const [loader, app] = loaded.map((s) => measure(s.body)) as [ReturnType<typeof measure>, ReturnType<typeof measure>];
    const total = { bytes: loader.bytes + app.bytes, gzip: loader.gzip + app.gzip, brotli: loader.brotli + app.brotli };
    sizes[viewport.name] = { loader, app, total, routes };
    expect(loader.gzip).toBeLessThanOrEqual(LOADER_BUDGET_GZ);
    expect(total.gzip).toBeLessThanOrEqual(TOTAL_BUDGET_GZ);
    await context.close();
    await agent.context().close();
  });
});
