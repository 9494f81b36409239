/**
 * The first minute of a newcomer, in Chromium against `npm start`'s gateway (the process run
 * from its sources, bundling its pages at start-up) on PostgreSQL with the demo seeded:
 * - the process prints where to go once it is ready, with this run's port;
 * - `/` links the demo, the console, the Admin UI, the API reference and health, and every
 *   link answers;
 * - the Admin UI opens on its sign-in form WITHOUT an error, a wrong password still says
 *   "Invalid credentials", and what the landing page says to type signs in;
 * - the API reference renders the OpenAPI description with nothing loaded from elsewhere.
 */
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { type Browser, type Page } from "playwright-core";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process";
import { launchChromium } from "../support/chromium";

jest.setTimeout(120_000);

const T = 20_000;

describe("the first minute: landing page, printed URLs, Admin UI sign-in, API reference", () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let browser: Browser;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startGatewayProcess(
      { NODE_ENV: "test", ROOMCAST_JWT_SECRET: "first-minute-test-secret-0123456789", DATABASE_URL: database.url, ROOMCAST_DEMO_SEED: "on", ROOMCAST_ANALYTICS_INTERVAL_MS: "0" },
      90_000,
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await database?.drop();
  });

  /** A page that records every URL it requests. */
  const newPage = async (): Promise<{ page: Page; requested: string[] }> => {
    const page = await (await browser.newContext()).newPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    return { page, requested };
  };

  it("prints the landing page and each link's URL when ready", () => {
    const printed = gateway.output();
    expect(printed).toContain(`Roomcast is ready: open ${gateway.url}/\n`);
    for (const path of ["/demo", "/console", "/admin/", "/api/v1/reference", "/healthz"]) expect(printed).toContain(`${gateway.url}${path}\n`);
  });

  it("links, from /, the demo, the console, the Admin UI, the API reference and health, each answering", async () => {
    const { page, requested } = await newPage();
    await page.goto(`${gateway.url}/`);
    const links = await page.locator("a").evaluateAll((anchors) => anchors.map((a) => ({ text: a.textContent ?? "", href: (a as HTMLAnchorElement).href })));
    expect(links.map((link) => link.text)).toEqual(["Demo", "Agent console", "Admin UI", "API reference", "OpenAPI description", "Health"]);
    for (const link of links) expect({ link: link.href, status: (await fetch(link.href)).status }).toEqual({ link: link.href, status: 200 });
    expect(requested.every((url) => url.startsWith(gateway.url))).toBe(true);
    await page.context().close();
  });

  it("opens the Admin UI on its sign-in form without an error; the landing page's credentials sign in", async () => {
    const { page: landing } = await newPage();
    await landing.goto(`${gateway.url}/`);
    const hint = (await landing.locator("li", { hasText: "Admin UI" }).textContent()) ?? "";
    const [, user, password] = /sign in as user (\S+) with password (\S+)/.exec(hint) ?? [];
    expect([user, password]).toEqual(["admin", "roomcast-dev"]);
    await landing.getByRole("link", { name: "Admin UI" }).click();
    // The form opens once the UI's first connection attempt (no credentials) was answered.
    const passwordField = landing.locator("input[type=password]");
    await passwordField.waitFor({ state: "visible", timeout: T });
    const error = landing.locator(".v-dialog .red--text");
    expect(await error.count()).toBe(0);

    // A wrong password is still an error, in the same place.
    const fields = landing.locator(".v-dialog input[type=text]");
    await fields.nth(1).fill(user!);
    await passwordField.fill("not-the-password");
    await landing.getByRole("button", { name: /connect/i }).click();
    await error.waitFor({ state: "visible", timeout: T });
    expect((await error.textContent())?.trim()).toBe("Invalid credentials");

    await passwordField.fill(password!);
    await landing.getByRole("button", { name: /connect/i }).click();
    await passwordField.waitFor({ state: "hidden", timeout: T });
    await landing.context().close();
  });

  it("renders the API reference from /api/v1/openapi.json with nothing from another site", async () => {
    const { page, requested } = await newPage();
    await page.goto(`${gateway.url}/api/v1/reference`);
    await page.getByRole("heading", { name: /Roomcast HTTP API/ }).first().waitFor({ timeout: T });
    await page.getByText("/api/v1/chat/sessions/{id}/messages").first().waitFor({ state: "attached", timeout: T });
    expect(requested.filter((url) => !url.startsWith(gateway.url) && !url.startsWith("blob:") && !url.startsWith("data:"))).toEqual([]);
    await page.context().close();
  });
});
