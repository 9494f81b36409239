/**
 * Producer endpoints for back-end services and admins (each commits its event through the
 * outbox, then answers): `POST /api/v1/notifications` `{ user, title, body, priority? }`
 * → `notifications:<user>`; `PUT /api/v1/documents/:id` `{ name?, status, progress }` →
 * `documents:<id>`.
 */
import { reportDocumentStatus, sendNotification } from "@roomcast/chat";
import type { Db } from "@roomcast/db";
import { DOCUMENT_STATUSES, idSchema, PRIORITY_MAX, PRIORITY_MIN } from "@roomcast/protocol";
import { Router } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import type { Authenticator } from "../auth/authenticator";
import { sendError } from "../http/errors";
import { principalOf, requireAuth } from "../http/require-auth";
import { describeIssues } from "../validation/describe-issues";
import { sendDomainError } from "./domain-error";

export const notificationBody = z
  .object({ user: idSchema, title: z.string().min(1).max(200), body: z.string().max(2000).default(""), priority: z.number().int().min(PRIORITY_MIN).max(PRIORITY_MAX).optional() })
  .strict();
export const documentBody = z.object({ name: z.string().min(1).max(200).optional(), status: z.enum(DOCUMENT_STATUSES), progress: z.number().int().min(0).max(100) }).strict();

export function producersRouter(deps: { db: Db; authenticator: Authenticator; logger: Logger }): Router {
  const router = Router();
  const backend = requireAuth(deps.authenticator, ["admin", "service"]);

  router.post("/notifications", backend, (req, res) => {
    const body = notificationBody.safeParse(req.body);
    if (!body.success) return sendError(res, "invalid", describeIssues(body.error.issues));
    const principal = principalOf(res);
    sendNotification(deps.db, { tenant: principal.tenant, ...body.data, source: `${principal.role}:${principal.sub}` }).then(
      (result) => res.status(201).json({ ok: true, ...result }),
      (error: unknown) => sendDomainError(res, error, deps.logger, "notification"),
    );
  });

  router.put("/documents/:id", backend, (req, res) => {
    const id = idSchema.safeParse(req.params.id);
    if (!id.success) return sendError(res, "invalid", "id: must match [A-Za-z0-9_-]{1,64}");
    const body = documentBody.safeParse(req.body);
    if (!body.success) return sendError(res, "invalid", describeIssues(body.error.issues));
    const principal = principalOf(res);
    reportDocumentStatus(deps.db, { tenant: principal.tenant, id: id.data, ...body.data, source: `${principal.role}:${principal.sub}` }).then(
      (result) => res.json({ ok: true, ...result }),
      (error: unknown) => sendDomainError(res, error, deps.logger, "document status"),
    );
  });
  return router;
}
