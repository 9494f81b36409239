/**
 * Agent availability under /api/v1/chat (availability.ts):
 * - `PUT /chat/availability` `{ status: "online" | "away" }` (agent or admin): sets the
 *   caller's own status; answers `{ ok, user, status }` once it is stored.
 * - `GET /chat/availability` (staff): `{ ok, agents: [{ user, status }] }`, every agent of
 *   the tenant whose status was ever set (the others are away).
 */
import type { Logger } from "pino";
import { Router } from "express";
import { z } from "zod";
import type { Authenticator } from "../auth/authenticator";
import { sendError } from "../http/errors";
import { principalOf, requireAuth } from "../http/require-auth";
import { describeIssues } from "../validation/describe-issues";
import { AGENT_STATUSES, type AvailabilityStore } from "./availability";

export const statusBody = z.object({ status: z.enum(AGENT_STATUSES) }).strict();

export interface AvailabilityRouteDeps {
  availability: AvailabilityStore;
  authenticator: Authenticator;
  logger: Logger;
}

export function availabilityRouter(deps: AvailabilityRouteDeps): Router {
  const { availability, logger } = deps;
  const router = Router();

  router.put("/chat/availability", requireAuth(deps.authenticator, ["agent", "admin"]), (req, res) => {
    const body = statusBody.safeParse(req.body);
    if (!body.success) return sendError(res, "invalid", describeIssues(body.error.issues));
    const principal = principalOf(res);
    availability.set(principal.tenant, principal.sub, body.data.status).then(
      () => res.json({ ok: true, user: principal.sub, status: body.data.status }),
      (error: unknown) => {
        logger.warn({ err: error, user: principal.sub }, "agent availability could not be stored");
        sendError(res, "unavailable", "availability could not be stored, retry later");
      },
    );
  });

  router.get("/chat/availability", requireAuth(deps.authenticator, ["agent", "admin", "service"]), (_req, res) => {
    availability.list(principalOf(res).tenant).then(
      (agents) => res.json({ ok: true, agents }),
      (error: unknown) => {
        logger.warn({ err: error }, "agent availability unreadable");
        sendError(res, "unavailable", "availability is unreadable, retry later");
      },
    );
  });
  return router;
}
