/**
 * The widget's public API under /api/v1/widget, callable from any site (CORS):
 * - `POST /widget/sessions` `{ widgetKey, name? }`: the tenant is found by its widget key
 *   (unknown key: `unauthorized`), the page's Origin must be one of the tenant's
 *   allowedOrigins or the gateway's own (else `origin_not_allowed`); starts a chat session
 *   and returns a visitor token whose `sid` is that session — the only one it opens. The
 *   session goes to an online agent with a console open (availability.ts, routing.ts) or waits; `agentsAvailable` says whether
 *   any agent is online (under manual routing too, where the chat waits for one to take it),
 *   so the widget offers "leave a message" only when none is.
 * - `GET /widget/session` (Bearer visitor token): the visitor's session and transcript with
 *   the stream offset to subscribe from, and `agentsAvailable`.
 * - Visitor context (docs/chat.md "Visitor context"): the start may carry `email` (the
 *   pre-chat form), `context` `{ pageUrl?, referrer?, locale? }` and `identity` (the host
 *   page's `identify`), all parsed by the protocol's schemas (`invalid` naming the field).
 *   A refused identity (`identity_unverified`: the tenant has an identity secret and the
 *   userHash does not match) does not stop the start: the session starts without it and the
 *   answer's `identity` says why. `POST /widget/identify` (Bearer visitor token) applies an
 *   identity to the visitor's own session (403 `identity_unverified` changes nothing).
 * CORS headers are sent on refusals too, so the widget can show why it was refused; the
 * token, not the CORS answer, is what grants access.
 */
import { ChatError, getSession, identifyVisitor, newId, resolveVisitor, startSession } from "@roomcast/chat";
import type { Config } from "@roomcast/config";
import type { Db } from "@roomcast/db";
import { visitorContextSchema, visitorEmailSchema, visitorIdentitySchema, visitorNameSchema } from "@roomcast/protocol";
import { Router, type RequestHandler } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import type { Authenticator } from "../auth/authenticator";
import { signToken } from "../auth/sign-token";
import { sendError } from "../http/errors";
import { isOriginAllowed } from "../http/origin";
import { principalOf, requireAuth } from "../http/require-auth";
import { describeIssues } from "../validation/describe-issues";
import { availableAgents, type AvailabilityStore, type PresentUsers } from "./availability";
import { sendDomainError } from "./domain-error";

export const startBody = z
  .object({
    widgetKey: z.string().min(1).max(200),
    name: visitorNameSchema.optional(),
    email: visitorEmailSchema.optional(),
    context: visitorContextSchema.optional(),
    identity: visitorIdentitySchema.optional(),
  })
  .strict();

const cors: RequestHandler = (req, res, next) => {
  const origin = req.headers.origin;
  res.setHeader("Access-Control-Allow-Origin", origin ?? "*");
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Allow-Headers", "content-type, authorization");
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  res.setHeader("Access-Control-Max-Age", "600");
  if (req.method === "OPTIONS") {
    res.status(204).end();
    return;
  }
  next();
};

export interface WidgetRouteDeps {
  db: Db;
  config: Readonly<Config>;
  authenticator: Authenticator;
  logger: Logger;
  availability: AvailabilityStore;
  /** Who is in a stream (presence); omitted, the stored availability alone decides. */
  presentUsers?: PresentUsers | undefined;
}

export function widgetRouter(deps: WidgetRouteDeps): Router {
  const { db, config, logger } = deps;
  const router = Router();
  router.use("/widget", cors);

  router.post("/widget/sessions", (req, res) => {
    const body = startBody.safeParse(req.body);
    if (!body.success) return sendError(res, "invalid", describeIssues(body.error.issues));
    (async () => {
      const tenant = await db.prisma.tenant.findUnique({ where: { widgetKey: body.data.widgetKey } });
      if (tenant === null) throw new ChatError("unauthorized", "unknown widget key");
      if (!isOriginAllowed(req, tenant.allowedOrigins)) {
        throw new ChatError("origin_not_allowed", `this site (${req.headers.origin ?? "unknown origin"}) may not use this chat widget`);
      }
      const visitorId = newId("v");
      const available = await availableAgents(deps.availability, deps.presentUsers, tenant.id);
      const { visitor, refused } = resolveVisitor(tenant.identitySecret, { name: body.data.name, email: body.data.email }, body.data.identity);
      const { session, offset } = await startSession(db, {
        tenant: tenant.id,
        visitorId,
        visitorName: visitor.name ?? `Visitor ${visitorId.slice(2, 6)}`,
        origin: req.headers.origin ?? null,
        availableAgents: available,
        context: body.data.context,
        visitor,
      });
      const token = signToken(config.jwt, {
        sub: visitorId,
        tenant: tenant.id,
        role: "visitor",
        session: session.id,
        name: session.visitorName,
        ttlSeconds: config.chat.visitorTokenTtlSeconds,
      });
      const identity = body.data.identity === undefined ? {} : { identity: refused === undefined ? { ok: true, verified: visitor.verified } : { ok: false, error: refused } };
      res.status(201).json({ ok: true, token, tenant: tenant.id, visitorId, session, messages: [], offset, agentsAvailable: session.agentId !== null || available.length > 0, ...identity });
    })().catch((error: unknown) => sendDomainError(res, error, logger, "start widget session"));
  });

  router.get("/widget/session", requireAuth(deps.authenticator, ["visitor"]), (_req, res) => {
    const principal = principalOf(res);
    Promise.all([getSession(db, principal, principal.session ?? ""), availableAgents(deps.availability, deps.presentUsers, principal.tenant)]).then(
      ([result, online]) => res.json({ ok: true, ...result, agentsAvailable: online.length > 0 }),
      (error: unknown) => sendDomainError(res, error, logger, "read widget session"),
    );
  });

  router.post("/widget/identify", requireAuth(deps.authenticator, ["visitor"]), (req, res) => {
    const identity = visitorIdentitySchema.safeParse(req.body);
    if (!identity.success) return sendError(res, "invalid", describeIssues(identity.error.issues));
    identifyVisitor(db, principalOf(res), identity.data).then(
      (session) => res.json({ ok: true, session, verified: session.visitor?.verified ?? false }),
      (error: unknown) => sendDomainError(res, error, logger, "identify widget visitor"),
    );
  });
  return router;
}
