/**
 * `POST /api/v1/publish` for back-end services and admins: one event, or `{ events: [...] }`
 * up to a batch limit. The whole batch commits in one transaction or not at all, and the
 * reply comes only after the commit.
 */
import { publishSchema, type PublishOk } from "@roomcast/protocol";
import { Router } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import type { Authenticator } from "../auth/authenticator";
import { authorize } from "../policy";
import { describeIssues } from "../socket/subscriptions";
import { EventRejectedError, type StreamStore } from "../stream-store";
import { sendError } from "./errors";
import { principalOf, requireAuth } from "./require-auth";

export const MAX_BATCH = 500;
const bodySchema = z.union([publishSchema, z.object({ events: z.array(publishSchema).min(1).max(MAX_BATCH) }).strict()]);

export function publishRouter(deps: { authenticator: Authenticator; store: StreamStore; logger: Logger }): Router {
  const router = Router();
  router.post("/publish", requireAuth(deps.authenticator, ["service", "admin"]), (req, res, next) => {
    const parsed = bodySchema.safeParse(req.body);
    if (!parsed.success) return sendError(res, "invalid", describeIssues(parsed.error.issues));
    const principal = principalOf(res);
    const batch = "events" in parsed.data ? parsed.data.events : [parsed.data];
    for (const [index, event] of batch.entries()) {
      const decision = authorize(principal, "publish", event);
      if (!decision.allowed) return sendError(res, "forbidden", `events.${index}: ${decision.reason}`);
    }
    const events = batch.map((e) => ({ ...e, tenant: principal.tenant, source: `${principal.role}:${principal.sub}` }));
    deps.store.publish(events).then(
      (committed: PublishOk[]) => res.status(201).json("events" in parsed.data ? { ok: true, events: committed } : { ok: true, ...committed[0] }),
      (error: unknown) => {
        if (error instanceof EventRejectedError) return sendError(res, "invalid", error.message);
        deps.logger.warn({ err: error }, "publish failed");
        sendError(res, "unavailable", "event storage is unavailable, retry later");
      },
    ).catch(next);
  });
  return router;
}
