/**
 * Serves the Admin UI that @socket.io/admin-ui ships built (`ui/dist`) at `/admin/`, so no
 * outside site is involved. The page is the library's own, with three changes to its
 * index.html, made once when the router is built:
 * - the icon font comes from @mdi/font served here (`/admin/vendor/mdi/`), not a CDN;
 * - the web-font link to a font CDN is dropped (the system font is used);
 * - the "server URL" field defaults to the page's own origin, so behind nginx the UI
 *   connects back through the same public address (same origin: the Origin check passes).
 * The UI routes with `#/…`, so every page is /admin/ itself.
 */
import express, { Router } from "express";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sendError } from "../http/errors";

const UI_DIR = path.join(path.dirname(require.resolve("@socket.io/admin-ui/package.json")), "ui", "dist");
const MDI_DIR = path.dirname(require.resolve("@mdi/font/package.json"));

const DEFAULT_SERVER_URL = `<script>if(!localStorage.getItem("server_url"))localStorage.setItem("server_url",location.origin);</script>`;

/** The bundled index.html with local icons, no font CDN and the server URL defaulted. */
export function rewriteAdminIndex(html: string): string {
  return html
    .replace(/<link[^>]+href="https:\/\/cdn\.jsdelivr\.net\/npm\/@mdi\/font@[^"]*\/css\/materialdesignicons\.min\.css"[^>]*>/, '<link rel="stylesheet" href="vendor/mdi/css/materialdesignicons.min.css">')
    .replace(/<link[^>]+href="https:\/\/fonts\.googleapis\.com\/[^"]*"[^>]*>/, "")
    .replace("</head>", `${DEFAULT_SERVER_URL}</head>`);
}

export function adminStaticRouter(): Router {
  const index = rewriteAdminIndex(readFileSync(path.join(UI_DIR, "index.html"), "utf8"));
  const router = Router();
  const sendIndex: express.RequestHandler = (_req, res) => {
    res.set("cache-control", "no-cache").type("html").send(index);
  };
  router.get("/admin", (req, res, next) => {
    // Relative asset URLs need the trailing slash.
    if (!(req.originalUrl.split("?")[0] ?? "").endsWith("/")) return res.redirect(301, "/admin/");
    sendIndex(req, res, next);
  });
  router.get("/admin/index.html", sendIndex);
  router.use("/admin/vendor/mdi", express.static(MDI_DIR, { index: false }));
  router.use("/admin", express.static(UI_DIR, { index: false }));
  router.use("/admin", (_req, res) => sendError(res, "not_found", "no such file"));
  return router;
}
