/**
 * Revocation over HTTP (Bearer auth):
 * - `POST /api/v1/admin/revoke` `{ user }` or `{ session }`, optionally `tenant` (admin
 *   role): every token of that user, or of that chat session, in the admin's own tenant
 *   (a deployment operator token, manage/actor.ts, names the tenant; a tenant admin may
 *   name only its own), issued up to now, is refused from now on cluster-wide, and their
 *   sockets on every node are told (`system {type: "revoked"}`) and disconnected.
 *   → `{ ok: true, revoked: { kind, … } }`, and an audit line (`auth.revoke`).
 * - `POST /api/v1/auth/logout`: revokes the calling token itself (its `jti`, until its
 *   `exp`) and disconnects the sockets that use it (the console's sign-out).
 * A revocation that cannot be stored (Redis unreachable) is `unavailable`; nothing changed.
 */
import { idSchema, type RevocationTarget } from "@roomcast/protocol";
import { Router, type Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import { sendError } from "../http/errors";
import { principalOf, requireAuth } from "../http/require-auth";
import { isOperator, type Actor } from "../manage/actor";
import { createAudit } from "../manage/audit";
import { describeIssues } from "../validation/describe-issues";
import type { Authenticator } from "./authenticator";
import type { Revoker } from "./revoke";

export const revokeBody = z.union([z.object({ user: idSchema, tenant: idSchema.optional() }).strict(), z.object({ session: idSchema, tenant: idSchema.optional() }).strict()]);

export interface RevokeRouteDeps {
  authenticator: Authenticator;
  revoker: Revoker;
  logger: Logger;
  now?: () => number;
}

export function revokeRouter(deps: RevokeRouteDeps): Router {
  const now = deps.now ?? Date.now;
  const router = Router();
  const audit = createAudit(deps.logger);
  const run = (res: Response, target: RevocationTarget, answer: object, onDone?: () => void) => {
    deps.revoker.revoke(target).then(
      () => {
        onDone?.();
        res.json({ ok: true, ...answer });
      },
      (error: unknown) => {
        deps.logger.warn({ err: error, kind: target.kind, tenant: target.tenant }, "revocation failed");
        sendError(res, "unavailable", "the revocation list is unavailable, retry later");
      },
    );
  };

  router.post("/api/v1/admin/revoke", requireAuth(deps.authenticator, ["admin"]), (req, res) => {
    const body = revokeBody.safeParse(req.body);
    if (!body.success) return sendError(res, "invalid", `give { user } or { session }: ${describeIssues(body.error.issues)}`);
    const principal = principalOf(res);
    const actor: Actor = { kind: "token", sub: principal.sub, tenant: principal.tenant, role: principal.role };
    const tenant = body.data.tenant ?? principal.tenant;
    if (!isOperator(actor) && tenant !== principal.tenant) return sendError(res, "forbidden", `this token administers tenant ${principal.tenant} only`);
    const target: RevocationTarget =
      "user" in body.data ? { kind: "user", tenant, sub: body.data.user, at: now() } : { kind: "session", tenant, session: body.data.session, at: now() };
    const who: Record<string, string> = target.kind === "user" ? { user: target.sub } : target.kind === "session" ? { session: target.session } : {};
    run(res, target, { revoked: target }, () => audit(actor, { action: "auth.revoke", target: { tenant, ...who } }));
  });

  router.post("/api/v1/auth/logout", (req, res) => {
    deps.authenticator.authenticate({ headers: req.headers }).then((outcome) => {
      if (!outcome.ok) return sendError(res, outcome.error.code, outcome.error.message);
      const { jti, exp } = outcome.grant;
      if (jti === undefined) return sendError(res, "invalid", "this token has no jti and cannot be revoked alone; an admin can revoke its user");
      run(res, { kind: "token", tenant: outcome.principal.tenant, jti, exp }, {});
    }, () => sendError(res, "unavailable", "authentication is unavailable, retry later"));
  });
  return router;
}
