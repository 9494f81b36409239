/**
 * `POST /api/v1/publish` for back-end services and admins: one event, or `{ events: [...] }`
 * up to MAX_BATCH, through the same publish use case as the socket (publish/publish-use-case.ts).
 * The whole batch commits in one transaction or not at all, and the reply (201) comes only
 * after the commit; a refusal is its code's status (errors.ts).
 */
import type { Result } from "@roomcast/protocol";
import { Router, type Response } from "express";
import type { Authenticator } from "../auth/authenticator";
import type { PublishUseCase } from "../publish/publish-use-case";
import { sendError } from "./errors";
import { principalOf, requireAuth } from "./require-auth";

export { MAX_BATCH } from "../publish/publish-use-case";

export function publishRouter(deps: { authenticator: Authenticator; publish: PublishUseCase }): Router {
  const router = Router();
  router.post("/publish", requireAuth(deps.authenticator, ["service", "admin"]), (req, res, next) => {
    const body: unknown = req.body;
    const principal = principalOf(res);
    const isBatch = typeof body === "object" && body !== null && !Array.isArray(body) && "events" in body;
    (isBatch ? deps.publish.batch(principal, body) : deps.publish.one(principal, body)).then((result) => answer(res, result), next);
  });
  return router;
}

function answer(res: Response, result: Result<object>): void {
  if (!result.ok) return sendError(res, result.error.code, result.error.message);
  res.status(201).json(result);
}
