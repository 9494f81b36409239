/**
 * `GET /`: a small HTML page for whoever opens the gateway's address first — links to the
 * demo, the agent console, the Admin UI, the API reference and the health probes, each only
 * when this gateway serves it, and what to type in the Admin UI's sign-in form. No script,
 * no framework, nothing from another site. `landingLinks` is also what main.ts prints when
 * the gateway is ready.
 */
import { Router } from "express";
import { API_REFERENCE_ROUTE, OPENAPI_ROUTE } from "./api-reference";

export interface LandingOptions {
  /** The product's pages (demo, console, API reference) are served. */
  pages: boolean;
  /** The Admin UI is on: its user, and the password when it is the public development one. */
  admin?: { user: string; devPassword?: string | undefined } | undefined;
  /** The demo tenant is seeded: a console sign-in to suggest. */
  demo?: { tenant: string; email: string; password: string } | undefined;
}

export interface LandingLink {
  label: string;
  path: string;
  note: string;
}

export function landingLinks(options: LandingOptions): LandingLink[] {
  const links: LandingLink[] = [];
  if (options.pages) {
    links.push({ label: "Demo", path: "/demo", note: "a page with the chat widget: start a chat as a visitor" });
    const demo = options.demo === undefined ? "" : ` (demo: tenant ${options.demo.tenant}, ${options.demo.email}, password ${options.demo.password})`;
    links.push({ label: "Agent console", path: "/console", note: `answer chats${demo}` });
  }
  if (options.admin !== undefined) links.push({ label: "Admin UI", path: "/admin/", note: adminNote(options.admin) });
  if (options.pages) links.push({ label: "API reference", path: API_REFERENCE_ROUTE, note: "the HTTP API, rendered from the OpenAPI description" });
  links.push({ label: "OpenAPI description", path: OPENAPI_ROUTE, note: "OpenAPI 3.1, machine-readable" });
  links.push({ label: "Health", path: "/healthz", note: "liveness; /readyz says whether every dependency answers" });
  return links;
}

function adminNote(admin: NonNullable<LandingOptions["admin"]>): string {
  const password = admin.devPassword === undefined ? "the password whose hash is ROOMCAST_ADMIN_PASSWORD_HASH" : `password ${admin.devPassword}`;
  return `the Socket.IO Admin UI: leave the server URL as it is, tick nothing, and sign in as user ${admin.user} with ${password}`;
}

/** The base URL a person can open: a wildcard bind address becomes localhost. */
export function publicBaseUrl(host: string, port: number): string {
  const name = host === "0.0.0.0" || host === "::" || host === "" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** What `npm start` prints when the gateway is ready: the landing page, then each link with its full URL. */
export function readyBanner(baseUrl: string, links: readonly LandingLink[]): string {
  const width = Math.max(...links.map((link) => link.label.length));
  const lines = links.map((link) => `  ${link.label.padEnd(width)}  ${baseUrl}${link.path}\n  ${" ".repeat(width)}  ${link.note}`);
  return `\nRoomcast is ready: open ${baseUrl}/\n\n${lines.join("\n")}\n\n`;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function landingPage(options: LandingOptions): string {
  const items = landingLinks(options)
    .map((link) => `<li><a href="${escape(link.path)}">${escape(link.label)}</a> <code>${escape(link.path)}</code><br><span>${escape(link.note)}</span></li>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Roomcast</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
li{margin:.75rem 0}span{color:#57606a;font-size:.9rem}code{font-size:.85rem;color:#57606a}
</style>
</head>
<body>
<h1>Roomcast</h1>
<p>This gateway is running. Where to go from here:</p>
<ul>
${items}
</ul>
</body>
</html>
`;
}

export function landingRouter(options: LandingOptions): Router {
  const html = landingPage(options);
  const router = Router();
  router.get("/", (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.type("html").send(html);
  });
  return router;
}
