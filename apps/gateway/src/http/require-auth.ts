/**
 * Express middleware: a verified Bearer token (through the same passport authenticator as
 * sockets) and, optionally, one of the given roles. The principal lands in `res.locals`.
 */
import type { Principal, Role } from "@roomcast/protocol";
import type { RequestHandler, Response } from "express";
import type { Authenticator } from "../auth/authenticator";
import { sendError } from "./errors";

export function requireAuth(authenticator: Authenticator, roles?: readonly Role[]): RequestHandler {
  return (req, res, next) => {
    authenticator.authenticate({ headers: req.headers }).then((outcome) => {
      if (!outcome.ok) return sendError(res, outcome.error.code, outcome.error.message);
      if (roles !== undefined && !roles.includes(outcome.principal.role)) {
        return sendError(res, "forbidden", `requires one of the roles: ${roles.join(", ")}`);
      }
      res.locals.principal = outcome.principal;
      next();
    }, next);
  };
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}
