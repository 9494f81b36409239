/**
 * `POST /api/v1/auth/login` `{ tenant, email, password }` → `{ token, user }`: console
 * sign-in through passport-local (one Passport instance per router, no global) against
 * the tenant's users (bcrypt). The token is a JWT the console uses for the socket and the
 * API; the same answer for an unknown email and a wrong password.
 */
import { verifyUser } from "@roomcast/chat";
import type { Config } from "@roomcast/config";
import type { Db } from "@roomcast/db";
import { idSchema } from "@roomcast/protocol";
import { Router, type Request } from "express";
import { Passport } from "passport";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { Strategy as LocalStrategy } from "passport-local";
import type { Logger } from "pino";
import { z } from "zod";
import { signToken } from "../auth/sign-token";
import { clientAddress } from "../http/client-address";
import { sendError } from "../http/errors";
import { describeIssues } from "../validation/describe-issues";

export const loginBody = z.object({ tenant: idSchema, email: z.string().min(1).max(254), password: z.string().min(1).max(200) }).strict();

interface SignedIn {
  id: string;
  name: string;
  role: "agent" | "admin";
  tenant: string;
}

/** Sign-in attempts allowed per client address and account in LOGIN_WINDOW_SECONDS. */
export const LOGIN_ATTEMPTS = 10;
export const LOGIN_WINDOW_SECONDS = 15 * 60;

export function loginRouter(deps: { db: Db; config: Readonly<Config>; logger: Logger; limiter: RateLimiterAbstract }): Router {
  const passport = new Passport();
  passport.use(
    "local",
    new LocalStrategy({ usernameField: "email", passwordField: "password", passReqToCallback: true, session: false }, (req: Request, email, password, done) => {
      const tenant = (req.body as { tenant: string }).tenant;
      verifyUser(deps.db, tenant, email, password).then(
        (user) => done(null, user === null ? false : { ...user, tenant }),
        (error: unknown) => done(error),
      );
    }),
  );

  const router = Router();
  router.post("/auth/login", (req, res, next) => {
    const body = loginBody.safeParse(req.body);
    if (!body.success) return sendError(res, "invalid", describeIssues(body.error.issues));
    req.body = body.data;
    const signIn = (attemptKey: string) => {
      const handler = passport.authenticate("local", { session: false }, (error: unknown, user: SignedIn | false) => {
        if (error) {
          deps.logger.warn({ err: error }, "login failed");
          return sendError(res, "unavailable", "sign-in is unavailable, retry later");
        }
        if (!user) return sendError(res, "unauthorized", "wrong email or password");
        void deps.limiter.delete(attemptKey).catch(() => undefined);
        const ttl = deps.config.chat.consoleTokenTtlSeconds;
        const token = signToken(deps.config.jwt, { sub: user.id, tenant: user.tenant, role: user.role, name: user.name, ttlSeconds: ttl });
        res.json({ ok: true, token, expiresIn: ttl, user });
      });
      handler(req, res, next);
    };
    // Brute-force guard: attempts per client address and account; a success clears the count.
    const attemptKey = `${clientAddress(req, deps.config.trustProxy)}|${body.data.tenant}|${body.data.email.toLowerCase()}`;
    deps.limiter.consume(attemptKey).then(
      () => signIn(attemptKey),
      (rejection: unknown) => {
        if (rejection instanceof Error) return next(rejection);
        const retryAfter = Math.ceil(((rejection as { msBeforeNext?: number }).msBeforeNext ?? 1000) / 1000);
        res.setHeader("retry-after", String(retryAfter));
        sendError(res, "rate_limited", "too many sign-in attempts, retry later");
      },
    );
  });
  return router;
}
