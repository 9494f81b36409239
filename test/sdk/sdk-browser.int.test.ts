/**
 * The browser builds of the SDK the gateway serves at /sdk/ (apps/gateway/src/chat/sdk-bundle.ts),
 * in headless Chromium against the gateway exactly as `npm start` runs it (a process, on a
 * PostgreSQL database of its own, relay in-process): a page imports `/sdk/roomcast.mjs`,
 * another loads `/sdk/roomcast.iife.js` with a classic script tag and uses the `Roomcast`
 * global; each connects, subscribes and receives an event a back-end service publishes.
 * (Cache headers and compression are web-assets.ts's, tested there and in test/cluster/asset-serving.)
 */
import { createClient, type RoomcastClient } from "@roomcast/client";
import { loadConfig } from "@roomcast/config";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { signToken } from "@roomcast/gateway/testing";
import { type Browser, type Page } from "playwright-core";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process";
import { launchChromium } from "../support/chromium";

jest.setTimeout(120_000);

const SECRET = "sdk-browser-test-secret-0123456789abcdef";
const T = 15_000;

/** What the page's script records on `window`. */
type PageWindow = { received: unknown[]; ack: unknown; state: string };

describe("the SDK's browser builds at /sdk/, in Chromium", () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let browser: Browser;
  let service: RoomcastClient;
  const jwt = loadConfig({ ROOMCAST_JWT_SECRET: SECRET }).config.jwt;
  const token = (sub: string, role: "member" | "service") => signToken(jwt, { sub, tenant: "acme", role });

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startGatewayProcess({ NODE_ENV: "test", ROOMCAST_JWT_SECRET: SECRET, DATABASE_URL: database.url, ROOMCAST_RELAY_POLL_MS: "200" }, 90_000);
    browser = await launchChromium();
    service = createClient({ url: gateway.url, token: token("billing", "service") });
  }, 150_000);
  afterAll(async () => {
    service?.close();
    await browser?.close();
    await gateway?.stop();
    await database?.drop();
  });

  it("serves both builds as JavaScript, to any origin, under stable names that are not cached for good", async () => {
    for (const route of ["/sdk/roomcast.mjs", "/sdk/roomcast.iife.js"]) {
      const response = await fetch(`${gateway.url}${route}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      // A stable name: a new release must reach pages (web-assets.ts owns the exact policy).
      expect(response.headers.get("cache-control")).not.toMatch(/immutable/);
      expect((await response.text()).length).toBeGreaterThan(10_000);
    }
  });

  /** Opens a gateway page (same origin: the member token's socket needs no CORS), then `load`s the SDK in it. */
  async function sdkPage(user: string, load: (page: Page) => Promise<void>): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${gateway.url}/sdk/roomcast.mjs`); // any gateway URL, for its origin
    await page.setContent("<!doctype html><title>sdk</title>");
    await load(page);
    await page.waitForFunction(() => (window as unknown as PageWindow).ack !== undefined, undefined, { timeout: T });
    const ack = await page.evaluate(() => (window as unknown as PageWindow).ack);
    expect({ ack, errors }).toMatchObject({ ack: { ok: true, stream: `acme:notifications:${user}` }, errors: [] });
    return page;
  }

  const start = `
    const client = sdk.createClient({ url: location.origin, token: TOKEN });
    window.received = [];
    client.onStateChange((state) => (window.state = state));
    client.subscribe({ channel: "notifications", topic: USER }, (event) => window.received.push(event.data)).ready.then((ack) => (window.ack = ack));`;

  it.each([
    ["the ES module, imported", "u-esm", (user: string, t: string) => async (page: Page) => {
      await page.addScriptTag({ type: "module", content: `import * as sdk from "/sdk/roomcast.mjs"; const TOKEN = ${JSON.stringify(t)}; const USER = ${JSON.stringify(user)};${start}` });
    }],
    ["the IIFE, a classic script defining Roomcast", "u-iife", (user: string, t: string) => async (page: Page) => {
      await page.addScriptTag({ url: "/sdk/roomcast.iife.js" });
      await page.addScriptTag({ content: `(() => { const sdk = window.Roomcast; const TOKEN = ${JSON.stringify(t)}; const USER = ${JSON.stringify(user)};${start} })();` });
    }],
  ])("%s: connects, subscribes and receives a published event", async (_label, user, loader) => {
    const page = await sdkPage(user, loader(user, token(user, "member")));
    const published = await service.publish({ channel: "notifications", topic: user, type: "note", data: { text: `hello ${user}` } });
    expect(published.ok).toBe(true);
    await page.waitForFunction(() => (window as unknown as PageWindow).received.length > 0, undefined, { timeout: T });
    expect(await page.evaluate(() => ({ received: (window as unknown as PageWindow).received, state: (window as unknown as PageWindow).state }))).toEqual({
      received: [{ text: `hello ${user}` }],
      state: "live",
    });
    await page.context().close();
  });
});
