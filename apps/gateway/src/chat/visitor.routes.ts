/**
 * The visitor's context and history for staff: `GET /api/v1/chat/sessions/:id/visitor`
 * (agent, admin, service) → `{ context, history }` — the session's page, referrer, locale,
 * e-mail, user id and whether its identity was verified, and the visitor's earlier sessions
 * in the tenant (packages/chat visitor-context.ts: the same verified user id, or the same
 * e-mail). Read from the database, so every node answers the same; the context itself also
 * travels in every `session:updated` (`session.visitor`).
 */
import { visitorHistory } from "@roomcast/chat";
import type { Db } from "@roomcast/db";
import { idSchema } from "@roomcast/protocol";
import { Router } from "express";
import type { Logger } from "pino";
import type { Authenticator } from "../auth/authenticator";
import { sendError } from "../http/errors";
import { principalOf, requireAuth } from "../http/require-auth";
import { sendDomainError } from "./domain-error";

export interface VisitorRouteDeps {
  db: Db;
  authenticator: Authenticator;
  logger: Logger;
}

export function visitorRouter(deps: VisitorRouteDeps): Router {
  const router = Router();
  router.get("/chat/sessions/:id/visitor", requireAuth(deps.authenticator, ["agent", "admin", "service"]), (req, res) => {
    const id = idSchema.safeParse(req.params.id);
    if (!id.success) return sendError(res, "invalid", "id: must match [A-Za-z0-9_-]{1,64}");
    visitorHistory(deps.db, principalOf(res), id.data).then(
      (result) => res.json({ ok: true, ...result }),
      (error: unknown) => sendDomainError(res, error, deps.logger, "read visitor history"),
    );
  });
  return router;
}
