/**
 * The chat product end to end in headless Chromium, through nginx in front of two gateway
 * processes (and one relay process) started by scripts/cluster `startCluster`, on a
 * database and Redis prefix of its own.
 *
 * Two consoles — A through nginx (so on the node nginx picks for 127.0.0.1, "G"), B
 * directly on the other node — and one widget on a third-party page (its own origin, in
 * the tenant's allowedOrigins). What it proves:
 * - a visitor message appears in both consoles (two nodes), an agent reply in the widget,
 *   and the console's live metrics equal GET /api/v1/chat/metrics;
 * - killing G (SIGKILL; the widget and console A are on it): the widget shows
 *   Reconnecting, comes back Live through nginx on the other node, a message typed while
 *   it was down is sent once, an agent reply sent meanwhile arrives, and every message is
 *   shown exactly once; console A comes back Live too;
 * - ending the session updates both consoles and the widget;
 * - a console whose socket cannot connect falls back to REST polling with a visible
 *   indicator, keeps updating, and goes Live again when it can;
 * - the widget on a page of a wrong origin, or with a wrong widget key, shows a clear error.
 * Screenshots of the widget and the consoles go to test-artifacts/.
 */
import { seedTenant } from "@roomcast/chat";
import { loadConfig } from "@roomcast/config";
import { createDb } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import type { ChatMetrics } from "@roomcast/protocol";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { type Browser, type Page } from "playwright-core";
import { signToken, until, deleteKeys, TEST_REDIS_URL } from "@roomcast/gateway/testing";
import { startCluster, type Cluster } from "../../scripts/cluster/start-cluster";
import { launchChromium } from "../support/chromium";

jest.setTimeout(180_000);

const ARTIFACTS = path.resolve(__dirname, "../../test-artifacts");
const SECRET = randomBytes(32).toString("hex");
const WIDGET_KEY = "shop-widget-key";
const T = 15_000;

function hostPage(server: () => string, widgetKey: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>A shop somewhere else</h1>
<script src="${server()}/widget.js" data-widget-key="${widgetKey}"></script></body></html>`;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("chat widget and consoles in Chromium, through nginx, two gateways", () => {
  let database: TestDatabase;
  let cluster: Cluster;
  let browser: Browser;
  let publicUrl = "";
  const hosts: Server[] = [];
  let shopOrigin = "";
  let evilOrigin = "";

  beforeAll(async () => {
    const page = (key: string) => hostPage(() => publicUrl, key);
    const shop = createServer((req, res) => res.writeHead(200, { "content-type": "text/html" }).end(page(req.url === "/wrong-key" ? "no-such-key" : WIDGET_KEY)));
    const evil = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(page(WIDGET_KEY)));
    hosts.push(shop, evil);
    shopOrigin = await listen(shop);
    evilOrigin = await listen(evil);

    database = await createTestDatabase();
    const db = await createDb({ databaseUrl: database.url });
    await seedTenant(db, {
      id: "shop",
      name: "Shop",
      widgetKey: WIDGET_KEY,
      allowedOrigins: [shopOrigin],
      users: [
        { id: "agent1", email: "agent1@shop.test", name: "Agent One", role: "agent", password: "pw-one" },
        { id: "agent2", email: "agent2@shop.test", name: "Agent Two", role: "agent", password: "pw-two" },
      ],
    });
    await db.close();
    cluster = await startCluster({
      nodes: 2,
      relays: 1,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `roomcast-chat-${randomBytes(4).toString("hex")}`,
      logLevel: "warn",
      // Sockets from any page may connect (a token is still required); which sites may use
      // the widget is the tenant's allowedOrigins, checked when the visitor token is issued.
      env: { ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ALLOWED_ORIGINS: "*", ROOMCAST_ADMIN_UI: "off", ROOMCAST_DEMO_SEED: "off", ROOMCAST_ANALYTICS_INTERVAL_MS: "2000" },
    });
    publicUrl = cluster.publicUrl;
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
    // The runner leaves its Redis keys (an operator's cluster keeps them); a test run does not.
    if (cluster) await deleteKeys(TEST_REDIS_URL, cluster.prefix);
    for (const host of hosts) host.close();
    await database?.drop();
  });

  /** The gateway nginx sends 127.0.0.1 to (hash $remote_addr), read from its access log. */
  async function gatewayOfLoopback(): Promise<{ near: Cluster["gateways"][number]; far: Cluster["gateways"][number] }> {
    await fetch(`${publicUrl}/healthz`);
    const lines = readFileSync(cluster.accessLog, "utf8").trim().split("\n");
    const upstream = lines.at(-1)?.split(" ")[1] ?? "";
    const near = cluster.gateways.find((g) => upstream.endsWith(`:${g.port}`));
    const far = cluster.gateways.find((g) => g !== near);
    if (near === undefined || far === undefined) throw new Error(`cannot tell which gateway served ${upstream}`);
    return { near, far };
  }

  async function openConsole(url: string, email: string, password: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${url}/console`);
    await page.getByTestId("login-tenant").fill("shop");
    await page.getByTestId("login-email").fill(email);
    await page.getByTestId("login-password").fill(password);
    await page.getByTestId("login-submit").click();
    await page.locator('[data-testid=conn][data-mode=live]').waitFor({ timeout: T });
    return page;
  }

  const widgetMessages = (widget: Page) => widget.locator("[data-testid=rc-message] .text").allTextContents();

  it("chats between a widget and two consoles on two nodes, survives the loss of the widget's gateway, ends the session", async () => {
    const { near, far } = await gatewayOfLoopback();
    const consoleA = await openConsole(publicUrl, "agent1@shop.test", "pw-one");
    const consoleB = await openConsole(far.url, "agent2@shop.test", "pw-two");

    const widget = await (await browser.newContext({ viewport: { width: 900, height: 700 } })).newPage();
    await widget.goto(`${shopOrigin}/`);
    await widget.getByTestId("rc-bubble").click();
    await widget.locator("[data-testid=rc-state]", { hasText: "Live" }).waitFor({ timeout: T });
    await widget.getByTestId("rc-input").fill("Hello from the widget");
    await widget.getByTestId("rc-send").click();
    await widget.locator("[data-testid=rc-message]", { hasText: "Hello from the widget" }).waitFor({ timeout: T });

    // The new session shows up in both consoles; each opens it and reads the message.
    for (const page of [consoleA, consoleB]) {
      await page.locator("[data-testid=session-item][data-status=waiting]").first().waitFor({ timeout: T });
      await page.locator("[data-testid=session-item]").first().click();
      await page.locator("[data-testid=message]", { hasText: "Hello from the widget" }).waitFor({ timeout: T });
    }
    await consoleA.getByTestId("reply-input").fill("Hi, Agent One here");
    await consoleA.getByTestId("reply-send").click();
    await widget.locator("[data-testid=rc-message]", { hasText: "Hi, Agent One here" }).waitFor({ timeout: T });
    await consoleB.locator("[data-testid=message]", { hasText: "Hi, Agent One here" }).waitFor({ timeout: T });
    // The first reply assigned the session to agent1: both consoles show it active.
    for (const page of [consoleA, consoleB]) await page.locator("[data-testid=session-item][data-status=active]").waitFor({ timeout: T });

    // Live metrics on a console equal the snapshot endpoint.
    const agentToken = signToken(loadConfig({ ROOMCAST_JWT_SECRET: SECRET }).config.jwt, { sub: "agent1", tenant: "shop", role: "agent" });
    const snapshot = async (): Promise<ChatMetrics> =>
      ((await (await fetch(`${publicUrl}/api/v1/chat/metrics`, { headers: { authorization: `Bearer ${agentToken}` } })).json()) as { metrics: ChatMetrics }).metrics;
    const shown = async (page: Page): Promise<unknown> => JSON.parse((await page.getByTestId("metrics").getAttribute("data-metrics")) ?? "null");
    const expected = await snapshot();
    expect(expected).toMatchObject({ activeSessions: 1, waitingSessions: 0, messagesLastHour: 2 });
    await until("console metrics to equal the snapshot", T, async () => JSON.stringify(await shown(consoleA)) !== "null" && sameFigures(await shown(consoleA), expected));
    await until("console B metrics to equal the snapshot", T, async () => sameFigures(await shown(consoleB), expected));
    await widget.screenshot({ path: path.join(ARTIFACTS, "chat-widget.png") });
    await consoleA.screenshot({ path: path.join(ARTIFACTS, "chat-console.png") });

    // Kill the gateway the widget (and console A) are connected to.
    await cluster.kill(near.nodeId, "SIGKILL");
    await widget.locator("[data-testid=rc-state]", { hasText: "Reconnecting" }).waitFor({ timeout: T });
    await widget.getByTestId("rc-input").fill("Typed while reconnecting");
    await widget.getByTestId("rc-send").click();
    await consoleB.getByTestId("reply-input").fill("Agent Two, replying during the outage");
    await consoleB.getByTestId("reply-send").click();
    await widget.locator("[data-testid=rc-state]", { hasText: "Live" }).waitFor({ timeout: 30_000 });
    await widget.locator("[data-testid=rc-message]", { hasText: "Typed while reconnecting" }).waitFor({ timeout: T });
    await widget.locator("[data-testid=rc-message]", { hasText: "Agent Two, replying during the outage" }).waitFor({ timeout: T });
    await until("no pending message in the widget", T, async () => (await widget.locator("[data-testid=rc-pending]").count()) === 0);
    expect(await widgetMessages(widget)).toEqual([
      "Hello from the widget",
      "Hi, Agent One here",
      ...(await orderOfLastTwo(widget)),
    ]);
    await consoleA.locator("[data-testid=conn][data-mode=live]").waitFor({ timeout: 30_000 });
    for (const page of [consoleA, consoleB]) {
      await page.locator("[data-testid=message]", { hasText: "Typed while reconnecting" }).waitFor({ timeout: T });
      expect(await page.locator("[data-testid=message]").count()).toBe(4);
    }
    await widget.screenshot({ path: path.join(ARTIFACTS, "chat-widget-after-failover.png") });

    // Ending the session from console B updates console A and the widget.
    await consoleB.getByTestId("end").click();
    for (const page of [consoleA, consoleB]) {
      await page.locator("[data-testid=session-item][data-status=ended]").waitFor({ timeout: T });
      await page.locator("[data-testid=detail-status]", { hasText: "ended" }).waitFor({ timeout: T });
    }
    await widget.locator("[data-testid=rc-ended].shown").waitFor({ timeout: T });
    await consoleA.screenshot({ path: path.join(ARTIFACTS, "chat-console-ended.png") });
    const after = await snapshot();
    expect(after).toMatchObject({ activeSessions: 0, endedToday: 1, messagesLastHour: 4 });
    await until("console A metrics after the end", T, async () => sameFigures(await shown(consoleA), after));
    await cluster.restart(near.nodeId);
  });

  it("falls back to REST polling with a visible indicator when the socket cannot connect, and goes live again", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.route("**/socket.io/**", (route) => route.abort());
    await page.goto(`${publicUrl}/console`);
    await page.getByTestId("login-tenant").fill("shop");
    await page.getByTestId("login-email").fill("agent1@shop.test");
    await page.getByTestId("login-password").fill("pw-one");
    await page.getByTestId("login-submit").click();
    await page.locator("[data-testid=conn][data-mode=polling]", { hasText: "Polling" }).waitFor({ timeout: T });
    // While polling, a new session still appears.
    const started = await fetch(`${publicUrl}/api/v1/widget/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: shopOrigin },
      body: JSON.stringify({ widgetKey: WIDGET_KEY, name: "Polled visitor" }),
    });
    expect(started.status).toBe(201);
    await page.locator("[data-testid=session-item]", { hasText: "Polled visitor" }).waitFor({ timeout: T });
    await page.screenshot({ path: path.join(ARTIFACTS, "chat-console-polling.png") });
    await page.unroute("**/socket.io/**");
    await page.locator("[data-testid=conn][data-mode=live]").waitFor({ timeout: 30_000 });
  });

  it("the widget shows a clear error on a page of a wrong origin and with a wrong widget key", async () => {
    const wrongOrigin = await (await browser.newContext()).newPage();
    await wrongOrigin.goto(`${evilOrigin}/`);
    await wrongOrigin.getByTestId("rc-bubble").click();
    await wrongOrigin.locator("[data-testid=rc-error]", { hasText: "origin_not_allowed" }).waitFor({ timeout: T });
    expect(await wrongOrigin.getByTestId("rc-error").textContent()).toContain(`this site (${evilOrigin}) may not use this chat widget`);
    await wrongOrigin.screenshot({ path: path.join(ARTIFACTS, "chat-widget-wrong-origin.png") });

    const wrongKey = await (await browser.newContext()).newPage();
    await wrongKey.goto(`${shopOrigin}/wrong-key`);
    await wrongKey.getByTestId("rc-bubble").click();
    await wrongKey.locator("[data-testid=rc-error]", { hasText: "unknown widget key (unauthorized)" }).waitFor({ timeout: T });
  });
});

function sameFigures(a: unknown, b: ChatMetrics): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}

/** The two messages of the outage may commit in either order; each must be there once. */
async function orderOfLastTwo(widget: Page): Promise<string[]> {
  const all = await widget.locator("[data-testid=rc-message] .text").allTextContents();
  const tail = all.slice(2);
  expect([...tail].sort()).toEqual(["Agent Two, replying during the outage", "Typed while reconnecting"]);
  return tail;
}
