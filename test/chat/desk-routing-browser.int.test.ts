/**
 * The desk in headless Chromium: agent availability, routing and "leave a message", on two
 * gateway processes sharing one Redis and a relay (scripts/cluster startCluster; its own
 * database and Redis prefix). The console is signed in on node 0; the widget's script and
 * its session start come from node 1, so routing there reads the status node 0 stored.
 * - nobody online (agents start away): the widget offers "leave a message"; the message is
 *   stored as the session's first message and the session stays waiting, unassigned, in the
 *   console's list;
 * - Agent One goes online from the console: the next chat is assigned to them and active,
 *   and their console shows "Chat assigned to you";
 * - Agent Two goes online too (a console on node 1): the next chat goes to Agent Two, who
 *   has fewer active chats;
 * - both go away: the next chat waits again and offers "leave a message";
 * - Agent Two goes online and closes the console: once presence has them gone (Agent One's
 *   roster says so), the next chat waits although their stored status is still online.
 */
import { seedTenant } from "@roomcast/chat";
import { createDb, type Db } from "@roomcast/db";
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
const LEAVE_A_MESSAGE = "No agent is online right now. Leave a message and we will answer here.";

describe("the desk in Chromium: availability, routing and leave a message on two nodes", () => {
  let database: TestDatabase;
  let db: Db;
  let cluster: Cluster;
  let browser: Browser;
  let host: Server;
  let shopOrigin = "";
  const urls: string[] = [];

  beforeAll(async () => {
    host = createServer((_req, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>
<script src="${urls[1]}/widget.js" data-widget-key="desk-shop-key"></script></body></html>`),
    );
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    shopOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    database = await createTestDatabase();
    db = await createDb({ databaseUrl: database.url });
    await seedTenant(db, {
      id: "shop",
      name: "Shop",
      widgetKey: "desk-shop-key",
      allowedOrigins: [shopOrigin],
      users: [
        { id: "agent1", email: "agent1@shop.test", name: "Agent One", role: "agent", password: "pw-one" },
        { id: "agent2", email: "agent2@shop.test", name: "Agent Two", role: "agent", password: "pw-two" },
      ],
    });
    cluster = await startCluster({
      nodes: 2,
      relays: 1,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `roomcast-desk-${randomBytes(4).toString("hex")}`,
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
    await db?.close();
    await database?.drop();
  });

  async function openConsole(email: string, password: string, node: number): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${urls[node]}/console`);
    await page.getByTestId("login-tenant").fill("shop");
    await page.getByTestId("login-email").fill(email);
    await page.getByTestId("login-password").fill(password);
    await page.getByTestId("login-submit").click();
    await page.locator("[data-testid=conn][data-mode=live]").waitFor({ timeout: T });
    return page;
  }

  /** A visitor on a fresh browser context opens the widget; answers its session id once live. */
  async function openWidget(): Promise<{ page: Page; sessionId: string }> {
    const page = await (await browser.newContext()).newPage();
    const started = page.waitForResponse((r) => r.url().endsWith("/api/v1/widget/sessions") && r.request().method() === "POST", { timeout: T });
    await page.goto(`${shopOrigin}/`);
    await page.getByTestId("rc-bubble").click();
    const body = (await (await started).json()) as { session: { id: string } };
    await page.locator("[data-testid=rc-state]", { hasText: "Live" }).waitFor({ timeout: T });
    return { page, sessionId: body.session.id };
  }

  async function setStatus(console: Page, status: "online" | "away"): Promise<void> {
    await console.getByTestId("availability").click();
    await console.locator(`[data-testid=availability][data-status=${status}]`).waitFor({ timeout: T });
  }

  const sessionRow = (id: string) => db.prisma.chatSession.findUniqueOrThrow({ where: { id } });

  it("leaves a message with nobody online, routes to online agents by fewest active chats, and none while away", async () => {
    const agent = await openConsole("agent1@shop.test", "pw-one", 0);
    await agent.locator("[data-testid=availability][data-status=away]").waitFor({ timeout: T });

    // Nobody online: leave a message.
    const first = await openWidget();
    await first.page.locator("[data-testid=rc-status][data-leave-message=true]", { hasText: LEAVE_A_MESSAGE }).waitFor({ timeout: T });
    await expect(first.page.getByTestId("rc-input").getAttribute("placeholder")).resolves.toBe("Leave a message…");
    await first.page.getByTestId("rc-input").fill("Please call me back about my order");
    await first.page.getByTestId("rc-send").click();
    await first.page.locator("[data-testid=rc-message]", { hasText: "Please call me back about my order" }).waitFor({ timeout: T });
    const left = await sessionRow(first.sessionId);
    expect({ status: left.status, agentId: left.agentId, messageCount: left.messageCount }).toEqual({ status: "waiting", agentId: null, messageCount: 1 });
    const stored = await db.prisma.chatMessage.findMany({ where: { sessionId: first.sessionId } });
    expect(stored.map((m) => [m.senderRole, m.text])).toEqual([["visitor", "Please call me back about my order"]]);
    await agent.locator(`[data-testid=session-item][data-session-id=${first.sessionId}][data-status=waiting]`).waitFor({ timeout: T });

    // Agent One online (stored by node 0): the next chat, started on node 1, is theirs.
    await setStatus(agent, "online");
    const second = await openWidget();
    await second.page.locator("[data-testid=rc-status]", { hasText: "An agent is with you" }).waitFor({ timeout: T });
    expect((await sessionRow(second.sessionId)).agentId).toBe("agent1");
    await agent.locator("[data-testid=toast]", { hasText: `Chat assigned to you: ${(await sessionRow(second.sessionId)).visitorName} (${second.sessionId})` }).waitFor({ timeout: T });
    await agent.locator(`[data-testid=session-item][data-session-id=${second.sessionId}][data-status=active]`).waitFor({ timeout: T });

    // Agent Two online too: fewer active chats (0 against 1), so the next chat is theirs.
    const agent2 = await openConsole("agent2@shop.test", "pw-two", 1);
    await setStatus(agent2, "online");
    const third = await openWidget();
    await third.page.locator("[data-testid=rc-status]", { hasText: "An agent is with you" }).waitFor({ timeout: T });
    expect((await sessionRow(third.sessionId)).agentId).toBe("agent2");

    // Both away: nobody is given the next chat; it waits and offers leave a message.
    await setStatus(agent, "away");
    await setStatus(agent2, "away");
    const fourth = await openWidget();
    await fourth.page.locator("[data-testid=rc-status][data-leave-message=true]", { hasText: LEAVE_A_MESSAGE }).waitFor({ timeout: T });
    const waiting = await sessionRow(fourth.sessionId);
    expect({ status: waiting.status, agentId: waiting.agentId }).toEqual({ status: "waiting", agentId: null });

    // Agent Two online, then the console is closed: gone from presence, so not given a chat.
    await agent.locator("[data-testid=agents-online]", { hasText: "Agents online: Agent One, Agent Two" }).waitFor({ timeout: T });
    await setStatus(agent2, "online");
    await agent2.context().close();
    await agent.locator("[data-testid=agents-online][data-count='1']", { hasText: "Agents online: Agent One" }).waitFor({ timeout: T });
    const fifth = await openWidget();
    await fifth.page.locator("[data-testid=rc-status][data-leave-message=true]", { hasText: LEAVE_A_MESSAGE }).waitFor({ timeout: T });
    expect((await sessionRow(fifth.sessionId)).agentId).toBeNull();
  });
});
