import express, { Router } from "express";
import { mountedRoutes } from "./mounted-routes";

describe("mountedRoutes", () => {
  it("lists every route of nested routers with their mount paths, in OpenAPI form", () => {
    const app = express();
    app.get("/healthz", (_req, res) => res.end());
    const inner = Router();
    inner.post("/chat/sessions/:id/messages", (_req, res) => res.end());
    inner.get(["/widget.js", "/console"], (_req, res) => res.end());
    const outer = Router();
    outer.use("/api/v1", inner);
    outer.put("/api/v1/admin/tenants/:tenant/users/:email/password", (_req, res) => res.end());
    app.use(outer);
    app.use("/api", (_req, res) => res.end());
    expect(mountedRoutes(app)).toEqual([
      { method: "get", path: "/healthz" },
      { method: "post", path: "/api/v1/chat/sessions/{id}/messages" },
      { method: "get", path: "/api/v1/widget.js" },
      { method: "get", path: "/api/v1/console" },
      { method: "put", path: "/api/v1/admin/tenants/{tenant}/users/{email}/password" },
    ]);
  });

  it("reports a regular-expression route by its source, which no description can match", () => {
    const app = express();
    app.get(/.*/, (_req, res) => res.end());
    expect(mountedRoutes(app)).toEqual([{ method: "get", path: "/.*/" }]);
  });
});
