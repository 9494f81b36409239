/**
 * The agent desk under /api/v1/chat (Bearer auth), beside chat.routes.ts:
 * - `POST /chat/sessions/:id/transfer` `{ agentId, note? }` (agent: own or unassigned
 *   session; admin, service): `{ ok, session, transfer }`;
 * - `POST /chat/sessions/:id/read` (agent, admin): stores that the caller has read the
 *   session up to its current message count; `{ ok, read: { sessionId, messageCount } }`;
 * - `GET /chat/settings` (staff) / `PUT /chat/settings` `{ routing: "auto" | "manual" }`
 *   (admin, service): `{ ok, settings }`;
 * - `GET /chat/canned-replies` (agent, admin, service): `{ ok, replies }`;
 *   `POST /chat/canned-replies` `{ shortcut, text }` (admin, service): 201 `{ ok, reply }`;
 *   `PUT /chat/canned-replies/:id` `{ shortcut, text }`, `DELETE /chat/canned-replies/:id`
 *   (admin, service).
 * Bodies are parsed by zod first (`invalid`); the domain's refusals keep their codes
 * (`forbidden`, `not_found`, `invalid`); every write answers once it committed with its events.
 */
import { chatSettings, createCannedReply, deleteCannedReply, listCannedReplies, markRead, setChatRouting, transferSession, updateCannedReply } from "@roomcast/chat";
import type { Db } from "@roomcast/db";
import { CHAT_ROUTINGS, idSchema, MAX_CHAT_MESSAGE_LENGTH, MAX_TRANSFER_NOTE_LENGTH } from "@roomcast/protocol";
import { Router, type Request, type Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import type { Authenticator } from "../auth/authenticator";
import { sendError } from "../http/errors";
import { principalOf, requireAuth } from "../http/require-auth";
import { describeIssues } from "../validation/describe-issues";
import { sendDomainError } from "./domain-error";

export const transferBody = z.object({ agentId: idSchema, note: z.string().max(MAX_TRANSFER_NOTE_LENGTH).nullable().optional() }).strict();
export const settingsBody = z.object({ routing: z.enum(CHAT_ROUTINGS) }).strict();
export const cannedBody = z.object({ shortcut: z.string().min(1).max(32), text: z.string().min(1).max(MAX_CHAT_MESSAGE_LENGTH) }).strict();

export interface DeskRouteDeps {
  db: Db;
  authenticator: Authenticator;
  logger: Logger;
}

function idOf(req: Request, res: Response): string | undefined {
  const parsed = idSchema.safeParse(req.params.id);
  if (parsed.success) return parsed.data;
  sendError(res, "invalid", "id: must match [A-Za-z0-9_-]{1,64}");
  return undefined;
}

function bodyOf<T>(schema: z.ZodType<T>, req: Request, res: Response): T | undefined {
  const parsed = schema.safeParse(req.body ?? {});
  if (parsed.success) return parsed.data;
  sendError(res, "invalid", describeIssues(parsed.error.issues));
  return undefined;
}

export function deskRouter(deps: DeskRouteDeps): Router {
  const { db, logger } = deps;
  const router = Router();
  const staff = requireAuth(deps.authenticator, ["agent", "admin", "service"]);
  const consoleUser = requireAuth(deps.authenticator, ["agent", "admin"]);
  const backOffice = requireAuth(deps.authenticator, ["admin", "service"]);
  const fail = (res: Response, what: string) => (error: unknown) => sendDomainError(res, error, logger, what);

  router.post("/chat/sessions/:id/transfer", staff, (req, res) => {
    const id = idOf(req, res);
    const body = id === undefined ? undefined : bodyOf(transferBody, req, res);
    if (id === undefined || body === undefined) return;
    transferSession(db, principalOf(res), { sessionId: id, agentId: body.agentId, note: body.note }).then((result) => res.json({ ok: true, ...result }), fail(res, "transfer session"));
  });

  router.post("/chat/sessions/:id/read", consoleUser, (req, res) => {
    const id = idOf(req, res);
    if (id === undefined) return;
    markRead(db, principalOf(res), id).then((read) => res.json({ ok: true, read }), fail(res, "mark session read"));
  });

  router.get("/chat/settings", staff, (_req, res) => {
    chatSettings(db, principalOf(res).tenant).then((settings) => res.json({ ok: true, settings }), fail(res, "read chat settings"));
  });
  router.put("/chat/settings", backOffice, (req, res) => {
    const body = bodyOf(settingsBody, req, res);
    if (body === undefined) return;
    setChatRouting(db, principalOf(res), body.routing).then((settings) => res.json({ ok: true, settings }), fail(res, "change chat settings"));
  });

  router.get("/chat/canned-replies", staff, (_req, res) => {
    listCannedReplies(db, principalOf(res)).then((replies) => res.json({ ok: true, replies }), fail(res, "list canned replies"));
  });
  router.post("/chat/canned-replies", backOffice, (req, res) => {
    const body = bodyOf(cannedBody, req, res);
    if (body === undefined) return;
    createCannedReply(db, principalOf(res), body).then((reply) => res.status(201).json({ ok: true, reply }), fail(res, "create canned reply"));
  });
  router.put("/chat/canned-replies/:id", backOffice, (req, res) => {
    const id = idOf(req, res);
    const body = id === undefined ? undefined : bodyOf(cannedBody, req, res);
    if (id === undefined || body === undefined) return;
    updateCannedReply(db, principalOf(res), id, body).then((reply) => res.json({ ok: true, reply }), fail(res, "update canned reply"));
  });
  router.delete("/chat/canned-replies/:id", backOffice, (req, res) => {
    const id = idOf(req, res);
    if (id === undefined) return;
    deleteCannedReply(db, principalOf(res), id).then((result) => res.json({ ok: true, ...result }), fail(res, "delete canned reply"));
  });
  return router;
}
