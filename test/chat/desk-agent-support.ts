/**
 * What the desk-agent Chromium tests share: a tenant "shop" with two agents and an admin,
 * a shop page embedding the widget from node 1, two gateway processes sharing one Redis and
 * a relay (scripts/cluster startCluster: its own database and Redis prefix), and headless
 * Chromium. `stop()` removes everything it started (browser, processes, keys, database).
 */
import { seedTenant } from "@roomcast/chat";
import { createDb, type Db } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { deleteKeys, TEST_REDIS_URL } from "@roomcast/gateway/testing";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, type Page } from "playwright-core";
import { startCluster, type Cluster } from "../../scripts/cluster/start-cluster";
import { launchChromium } from "../support/chromium";

export const T = 15_000;
export const USERS = {
  agent1: { email: "agent1@shop.test", password: "pw-one", name: "Agent One" },
  agent2: { email: "agent2@shop.test", password: "pw-two", name: "Agent Two" },
  boss: { email: "boss@shop.test", password: "pw-boss", name: "Boss" },
} as const;
export type UserId = keyof typeof USERS;

export interface DeskRig {
  db: Db;
  urls: string[];
  /** A console signed in as `user` on gateway `node`, live. */
  openConsole(user: UserId, node: number): Promise<Page>;
  /** A visitor on a fresh context opens the widget; its session id once live. */
  /** `agentsAvailable`: what the start answered (false: the widget offers "leave a message"). */
  openWidget(): Promise<{ page: Page; sessionId: string; token: string; agentsAvailable: boolean }>;
  setStatus(console: Page, status: "online" | "away"): Promise<void>;
  /** A token of `user` from the sign-in API. */
  login(user: UserId): Promise<string>;
  api(path: string, options: { token: string; method?: string; body?: unknown; node?: number }): Promise<{ status: number; body: { ok: boolean; error?: { code: string } } & Record<string, unknown> }>;
  stop(): Promise<void>;
}

export async function startDeskRig(): Promise<DeskRig> {
  const urls: string[] = [];
  const host: Server = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>
<script src="${urls[1]}/widget.js" data-widget-key="desk-agent-key"></script></body></html>`),
  );
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  const shopOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  let database: TestDatabase | undefined;
  let db: Db | undefined;
  let cluster: Cluster | undefined;
  let browser: Browser | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close();
    await cluster?.stop();
    if (cluster) await deleteKeys(TEST_REDIS_URL, cluster.prefix);
    host.close();
    await db?.close();
    await database?.drop();
  };
  try {
    database = await createTestDatabase();
    db = await createDb({ databaseUrl: database.url });
    await seedTenant(db, {
      id: "shop",
      name: "Shop",
      widgetKey: "desk-agent-key",
      allowedOrigins: [shopOrigin],
      users: [
        { id: "agent1", ...USERS.agent1, role: "agent" },
        { id: "agent2", ...USERS.agent2, role: "agent" },
        { id: "boss", ...USERS.boss, role: "admin" },
      ],
    });
    cluster = await startCluster({
      nodes: 2,
      relays: 1,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `roomcast-desk-agent-${randomBytes(4).toString("hex")}`,
      logLevel: "warn",
      env: { ROOMCAST_JWT_SECRET: randomBytes(32).toString("hex"), ROOMCAST_ALLOWED_ORIGINS: "*", ROOMCAST_ADMIN_UI: "off", ROOMCAST_DEMO_SEED: "off", ROOMCAST_ANALYTICS_INTERVAL_MS: "0" },
    });
    urls.push(...cluster.gateways.map((g) => g.url));
    browser = await launchChromium();
  } catch (error) {
    await stop();
    throw error;
  }
  const chrome = browser;
  const api: DeskRig["api"] = async (path, options) => {
    const response = await fetch(`${urls[options.node ?? 0]}/api/v1${path}`, {
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      headers: { authorization: `Bearer ${options.token}`, ...(options.body === undefined ? {} : { "content-type": "application/json" }) },
      body: options.body === undefined ? null : JSON.stringify(options.body),
    });
    return { status: response.status, body: (await response.json()) as { ok: boolean; error?: { code: string } } & Record<string, unknown> };
  };
  return {
    db,
    urls,
    api,
    stop,
    async openConsole(user, node) {
      const page = await (await chrome.newContext()).newPage();
      await page.goto(`${urls[node]}/console`);
      await page.getByTestId("login-tenant").fill("shop");
      await page.getByTestId("login-email").fill(USERS[user].email);
      await page.getByTestId("login-password").fill(USERS[user].password);
      await page.getByTestId("login-submit").click();
      await page.locator("[data-testid=conn][data-mode=live]").waitFor({ timeout: T });
      return page;
    },
    async openWidget() {
      const page = await (await chrome.newContext()).newPage();
      const started = page.waitForResponse((r) => r.url().endsWith("/api/v1/widget/sessions") && r.request().method() === "POST", { timeout: T });
      await page.goto(`${shopOrigin}/`);
      await page.getByTestId("rc-bubble").click();
      const body = (await (await started).json()) as { session: { id: string }; token: string; agentsAvailable: boolean };
      await page.locator("[data-testid=rc-state]", { hasText: "Live" }).waitFor({ timeout: T });
      return { page, sessionId: body.session.id, token: body.token, agentsAvailable: body.agentsAvailable };
    },
    async setStatus(console, status) {
      await console.getByTestId("availability").click();
      await console.locator(`[data-testid=availability][data-status=${status}]`).waitFor({ timeout: T });
    },
    async login(user) {
      const response = await fetch(`${urls[0]}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tenant: "shop", email: USERS[user].email, password: USERS[user].password }),
      });
      const body = (await response.json()) as { ok: boolean; token?: string };
      if (!body.ok || body.token === undefined) throw new Error(`sign-in of ${user} failed`);
      return body.token;
    },
  };
}
