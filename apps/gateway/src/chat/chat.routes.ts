/**
 * The chat API under /api/v1/chat (Bearer auth): list sessions (with the caller's read
 * markers and the offsets of the tenant `chat` stream and of `changes:chat_sessions`), read
 * one, post a message, assign, end, and the metrics snapshot (the desk's transfer, reads,
 * settings and canned replies: desk.routes.ts). Every body and path parameter is parsed by zod
 * first; a write answers only after its transaction (rows + outbox events) committed.
 * Snapshots carry `offset`, the position of the stream that keeps them current, so a
 * client subscribes with `since: offset` and misses nothing. Ending a session also revokes
 * its visitor's tokens (auth/revoke.ts): the widget's socket is disconnected on every node.
 */
import { assignSession, endSession, getSession, isChatStatus, listSessions, metricsSnapshot, postMessage, readMarkers } from "@roomcast/chat";
import type { Db } from "@roomcast/db";
import { idempotencyKeySchema, idSchema, MAX_CHAT_MESSAGE_LENGTH } from "@roomcast/protocol";
import { Router, type Request, type Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import type { Authenticator } from "../auth/authenticator";
import type { Revoker } from "../auth/revoke";
import { sendError } from "../http/errors";
import { principalOf, requireAuth } from "../http/require-auth";
import { describeIssues } from "../validation/describe-issues";
import { sendDomainError } from "./domain-error";

export const messageBody = z.object({ text: z.string().min(1).max(MAX_CHAT_MESSAGE_LENGTH), key: idempotencyKeySchema.optional() }).strict();
export const assignBody = z.object({ agentId: idSchema.optional() }).strict();
export const listQuery = z.object({ status: z.string().refine(isChatStatus, "must be waiting, active or ended").optional(), limit: z.coerce.number().int().min(1).max(500).optional() });

/** How long a visitor's socket stays after its session ended, so the `session:updated` event reaches it. */
export const SESSION_END_GRACE_MS = 2000;

export interface ChatRouteDeps {
  db: Db;
  authenticator: Authenticator;
  logger: Logger;
  revoker: Revoker;
}

function sessionIdOf(req: Request, res: Response): string | undefined {
  const parsed = idSchema.safeParse(req.params.id);
  if (parsed.success) return parsed.data;
  sendError(res, "invalid", "id: must match [A-Za-z0-9_-]{1,64}");
  return undefined;
}

export function chatRouter(deps: ChatRouteDeps): Router {
  const { db, logger } = deps;
  const router = Router();
  const anyone = requireAuth(deps.authenticator);
  const staff = requireAuth(deps.authenticator, ["agent", "admin", "service"]);

  router.get("/chat/sessions", staff, (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) return sendError(res, "invalid", describeIssues(query.error.issues));
    const { status, limit } = query.data;
    const principal = principalOf(res);
    // `read`: the caller's read markers (session id → messages read), for the console's unread counts.
    Promise.all([
      listSessions(db, principal.tenant, { status: isChatStatus(status) ? status : undefined, ...(limit === undefined ? {} : { limit }) }),
      principal.role === "service" ? Promise.resolve({}) : readMarkers(db, principal.tenant, principal.sub),
    ]).then(
      ([result, read]) => res.json({ ok: true, ...result, read }),
      (error: unknown) => sendDomainError(res, error, logger, "list sessions"),
    );
  });

  router.get("/chat/sessions/:id", anyone, (req, res) => {
    const id = sessionIdOf(req, res);
    if (id === undefined) return;
    getSession(db, principalOf(res), id).then(
      (result) => res.json({ ok: true, ...result }),
      (error: unknown) => sendDomainError(res, error, logger, "read session"),
    );
  });

  router.post("/chat/sessions/:id/messages", anyone, (req, res) => {
    const id = sessionIdOf(req, res);
    if (id === undefined) return;
    const body = messageBody.safeParse(req.body);
    if (!body.success) return sendError(res, "invalid", describeIssues(body.error.issues));
    postMessage(db, principalOf(res), { sessionId: id, text: body.data.text, key: body.data.key }).then(
      (result) => res.status(result.duplicate ? 200 : 201).json({ ok: true, ...result }),
      (error: unknown) => sendDomainError(res, error, logger, "post message"),
    );
  });

  router.post("/chat/sessions/:id/assign", staff, (req, res) => {
    const id = sessionIdOf(req, res);
    if (id === undefined) return;
    const body = assignBody.safeParse(req.body ?? {});
    if (!body.success) return sendError(res, "invalid", describeIssues(body.error.issues));
    assignSession(db, principalOf(res), { sessionId: id, agentId: body.data.agentId }).then(
      (session) => res.json({ ok: true, session }),
      (error: unknown) => sendDomainError(res, error, logger, "assign session"),
    );
  });

  router.post("/chat/sessions/:id/end", anyone, (req, res) => {
    const id = sessionIdOf(req, res);
    if (id === undefined) return;
    const principal = principalOf(res);
    endSession(db, principal, { sessionId: id }).then(
      (session) => {
        // The session is over whatever happens next; its visitor tokens end with it.
        const target = { kind: "session" as const, tenant: principal.tenant, session: session.id, at: Date.now() };
        deps.revoker.revoke(target, { graceMs: SESSION_END_GRACE_MS }).catch((error: unknown) => {
          logger.warn({ err: error, session: session.id }, "ended session's visitor tokens could not be revoked");
        });
        res.json({ ok: true, session });
      },
      (error: unknown) => sendDomainError(res, error, logger, "end session"),
    );
  });

  router.get("/chat/metrics", staff, (_req, res) => {
    metricsSnapshot(db, principalOf(res).tenant).then(
      (result) => res.json({ ok: true, ...result }),
      (error: unknown) => sendDomainError(res, error, logger, "metrics"),
    );
  });

  return router;
}
