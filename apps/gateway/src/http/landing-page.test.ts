import { landingLinks, landingPage, publicBaseUrl, readyBanner } from "./landing-page";

const full = { pages: true, admin: { user: "admin", devPassword: "roomcast-dev" }, demo: { tenant: "demo", email: "ana@demo.test", password: "demo" } };

describe("the landing page", () => {
  it("links the demo, the console, the Admin UI, the API reference and health when all are served", () => {
    expect(landingLinks(full).map((link) => link.path)).toEqual(["/demo", "/console", "/admin/", "/api/v1/reference", "/api/v1/openapi.json", "/healthz"]);
  });

  it("says exactly what to type in the Admin UI and the console", () => {
    const html = landingPage(full);
    expect(html).toContain("sign in as user admin with password roomcast-dev");
    expect(html).toContain("tenant demo, ana@demo.test, password demo");
    // A configured password is never shown: only where it comes from.
    expect(landingPage({ ...full, admin: { user: "ops" } })).toContain("user ops with the password whose hash is ROOMCAST_ADMIN_PASSWORD_HASH");
  });

  it("links only what the gateway serves", () => {
    expect(landingLinks({ pages: false }).map((link) => link.path)).toEqual(["/api/v1/openapi.json", "/healthz"]);
    expect(landingPage({ pages: false })).not.toContain("/admin/");
  });

  it("escapes what it writes into HTML and loads nothing", () => {
    const html = landingPage({ pages: false, admin: { user: "<b>&" } });
    expect(html).toContain("&#60;b&#62;&#38;");
    expect(html).not.toMatch(/<script|https?:\/\//);
  });
});

describe("readyBanner", () => {
  it("prints the landing page and every link as a full URL", () => {
    const banner = readyBanner(publicBaseUrl("0.0.0.0", 3000), landingLinks(full));
    expect(banner).toContain("Roomcast is ready: open http://localhost:3000/\n");
    for (const path of ["/demo", "/console", "/admin/", "/api/v1/reference", "/healthz"]) expect(banner).toContain(`http://localhost:3000${path}\n`);
  });

  it("keeps a specific bind address, bracketing IPv6", () => {
    expect(publicBaseUrl("127.0.0.1", 8080)).toBe("http://127.0.0.1:8080");
    expect(publicBaseUrl("::1", 8080)).toBe("http://[::1]:8080");
  });
});
