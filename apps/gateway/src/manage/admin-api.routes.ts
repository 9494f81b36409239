/**
 * The admin HTTP API under /api/v1/admin/ (Bearer auth, role `admin`): the management use
 * cases (management.ts) over JSON. A tenant admin's token reaches its own tenant only
 * (another tenant is `forbidden`); a deployment operator token (role `admin`, tenant claim
 * `_deployment`, actor.ts) reaches every tenant and may create tenants and set limits.
 *
 *   GET    /api/v1/admin/tenants                               → { tenants }
 *   POST   /api/v1/admin/tenants            { id, name, origins?, limits? }  → 201 { tenant }
 *   GET    /api/v1/admin/tenants/:tenant                       → { tenant }
 *   PATCH  /api/v1/admin/tenants/:tenant    { name?, origins? | addOrigins?, removeOrigins?, limits? } → { tenant }
 *   POST   /api/v1/admin/tenants/:tenant/widget-key            → { tenant, widgetKey }
 *   PUT    /api/v1/admin/tenants/:tenant/identity-secret  { secret } | { generate: true } | { clear: true } → { tenant, verification, secret? }
 *   GET    /api/v1/admin/tenants/:tenant/users                 → { users }
 *   POST   /api/v1/admin/tenants/:tenant/users  { email, role, name?, id?, password? } → 201 { user }
 *   POST   /api/v1/admin/tenants/:tenant/users/:email/disable  → { user }  (also revokes the user's tokens)
 *   POST   /api/v1/admin/tenants/:tenant/users/:email/enable   → { user }
 *   PUT    /api/v1/admin/tenants/:tenant/users/:email/password  { password } → { user }
 *   GET    /api/v1/admin/outbox/quarantined?tenant=&limit=     → { events }
 *   POST   /api/v1/admin/outbox/redrive     { ids } | { all: true, tenant? } → { redriven, skipped, more }
 * (`POST /api/v1/admin/revoke` is auth/revoke.routes.ts.) Errors: the protocol catalog with
 * http/errors.ts's statuses; a refused re-drive adds `refused: [{ id, reason, message }]`.
 */
import { err } from "@roomcast/protocol";
import { Router, type Response } from "express";
import type { Logger } from "pino";
import type { Authenticator } from "../auth/authenticator";
import { sendError, statusOf } from "../http/errors";
import { principalOf, requireAuth } from "../http/require-auth";
import type { Actor } from "./actor";
import type { Management } from "./management";
import { ManageError } from "./manage-error";

export interface AdminApiDeps {
  management: Management;
  authenticator: Authenticator;
  logger: Logger;
}

export function adminApiRouter(deps: AdminApiDeps): Router {
  const { management: m, logger } = deps;
  const router = Router();
  router.use("/api/v1/admin", requireAuth(deps.authenticator, ["admin"]));

  const actorOf = (res: Response): Actor => {
    const { sub, tenant, role } = principalOf(res);
    return { kind: "token", sub, tenant, role };
  };
  /** Runs a use case and answers its result, or its refusal with the catalog code. */
  const answer = (res: Response, run: (actor: Actor) => Promise<object>, status = 200) => {
    run(actorOf(res)).then(
      (body) => res.status(status).json({ ok: true, ...body }),
      (error: unknown) => {
        if (error instanceof ManageError) {
          res.status(statusOf(error.code)).json({ ...err(error.code, error.message), ...(error.details ?? {}) });
          return;
        }
        logger.warn({ err: error }, "admin API call failed");
        sendError(res, "unavailable", "the database is unavailable, retry later");
      },
    );
  };

  router.get("/api/v1/admin/tenants", (_req, res) => answer(res, async (a) => ({ tenants: await m.listTenants(a) })));
  router.post("/api/v1/admin/tenants", (req, res) => answer(res, async (a) => ({ tenant: await m.createTenant(a, req.body) }), 201));
  router.get("/api/v1/admin/tenants/:tenant", (req, res) => answer(res, async (a) => ({ tenant: await m.getTenant(a, req.params.tenant) })));
  router.patch("/api/v1/admin/tenants/:tenant", (req, res) => answer(res, async (a) => ({ tenant: await m.updateTenant(a, req.params.tenant, req.body) })));
  router.post("/api/v1/admin/tenants/:tenant/widget-key", (req, res) => answer(res, (a) => m.rotateWidgetKey(a, req.params.tenant)));
  router.put("/api/v1/admin/tenants/:tenant/identity-secret", (req, res) => answer(res, (a) => m.setIdentitySecret(a, req.params.tenant, req.body)));
  router.get("/api/v1/admin/tenants/:tenant/users", (req, res) => answer(res, async (a) => ({ users: await m.listUsers(a, req.params.tenant) })));
  router.post("/api/v1/admin/tenants/:tenant/users", (req, res) => answer(res, async (a) => ({ user: await m.createUser(a, req.params.tenant, req.body) }), 201));
  router.post("/api/v1/admin/tenants/:tenant/users/:email/disable", (req, res) =>
    answer(res, async (a) => ({ user: await m.disableUser(a, req.params.tenant, req.params.email) })),
  );
  router.post("/api/v1/admin/tenants/:tenant/users/:email/enable", (req, res) =>
    answer(res, async (a) => ({ user: await m.enableUser(a, req.params.tenant, req.params.email) })),
  );
  router.put("/api/v1/admin/tenants/:tenant/users/:email/password", (req, res) =>
    answer(res, async (a) => ({ user: await m.setPassword(a, req.params.tenant, req.params.email, (req.body as { password?: unknown } | undefined)?.password) })),
  );
  router.get("/api/v1/admin/outbox/quarantined", (req, res) =>
    answer(res, async (a) => ({ events: await m.listQuarantined(a, { ...(req.query.tenant === undefined ? {} : { tenant: req.query.tenant }), ...(req.query.limit === undefined ? {} : { limit: req.query.limit }) }) })),
  );
  router.post("/api/v1/admin/outbox/redrive", (req, res) => answer(res, (a) => m.redrive(a, req.body)));
  return router;
}
