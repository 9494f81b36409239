/**
 * Authentication through passport-jwt, for HTTP requests and Socket.IO handshakes alike.
 *
 * One Passport instance per gateway (no global `passport` singleton). The token is read
 * from `Authorization: Bearer` or, for sockets, from the handshake's `auth.token`; never
 * from the query string. Algorithms are pinned, so `alg: none` and algorithm-confusion
 * tokens are refused by jsonwebtoken before any claim is read. A verified token is then
 * checked against the revocation list (revocations.ts): revoked is `unauthorized`.
 */
import type { Config } from "@roomcast/config";
import type { ErrorBody, Principal } from "@roomcast/protocol";
import { createPublicKey, createSecretKey, type KeyObject } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Passport } from "passport";
import { ExtractJwt, Strategy as JwtStrategy, type StrategyOptionsWithoutRequest } from "passport-jwt";
import { verifiedFromClaims, type Grant, type Verified } from "./claims";
import type { RevocationList } from "./revocations";

export type AuthOutcome = { ok: true; principal: Principal; grant: Grant } | { ok: false; error: ErrorBody };

/** The part of a request passport-jwt reads; a socket handshake is adapted to it. */
export interface TokenCarrier {
  headers: IncomingHttpHeaders;
  socketToken?: unknown;
}

export interface Authenticator {
  authenticate(carrier: TokenCarrier): Promise<AuthOutcome>;
}

/**
 * jsonwebtoken (9.x verify.js) turns a string key into a KeyObject on every verify, trying
 * it as a public key first; for a secret that failed parse costs about 1 ms per token (most
 * of a handshake's CPU). The same conversion, done once: verify skips it for a KeyObject.
 */
function keyObjectOf(material: string): KeyObject {
  try {
    return createPublicKey(material);
  } catch {
    return createSecretKey(Buffer.from(material));
  }
}

const fromSocketAuth = (req: TokenCarrier): string | null =>
  typeof req.socketToken === "string" && req.socketToken.length > 0 ? req.socketToken : null;

export function createAuthenticator(jwt: Config["jwt"], revocations?: RevocationList): Authenticator {
  const passport = new Passport();
  const options: StrategyOptionsWithoutRequest = {
    jwtFromRequest: ExtractJwt.fromExtractors([fromSocketAuth as never, ExtractJwt.fromAuthHeaderAsBearerToken()]),
    // passport-jwt hands the key to jsonwebtoken.verify unchanged, which takes a KeyObject.
    secretOrKey: keyObjectOf(jwt.key.kind === "secret" ? jwt.key.secret : jwt.key.publicKey) as unknown as string,
    algorithms: [...jwt.key.algorithms],
    ...(jwt.issuer === undefined ? {} : { issuer: jwt.issuer }),
    ...(jwt.audience === undefined ? {} : { audience: jwt.audience }),
    jsonWebTokenOptions: { clockTolerance: 5 },
  };
  passport.use(
    "jwt",
    new JwtStrategy(options, (payload: unknown, done: (err: unknown, user?: Verified | false) => void) => {
      done(null, verifiedFromClaims(payload) ?? false);
    }),
  );

  return {
    authenticate(carrier) {
      return new Promise((resolve) => {
        const handler = passport.authenticate("jwt", { session: false }, (error: unknown, user: Verified | false, info: unknown) => {
          if (error) return resolve({ ok: false, error: { code: "internal", message: "authentication failed" } });
          if (user) {
            if (revocations === undefined) return resolve({ ok: true, ...user });
            return void revocations.isRevoked(user.principal, user.grant).then((revoked) =>
              resolve(revoked ? { ok: false, error: { code: "unauthorized", message: "token revoked" } } : { ok: true, ...user }),
            );
          }
          resolve({ ok: false, error: { code: "unauthorized", message: describe(info) } });
        });
        // passport's middleware signature; the response object is never used with a callback.
        handler(carrier, {}, () => undefined);
      });
    },
  };
}

function describe(info: unknown): string {
  const name = info instanceof Error ? info.name : "";
  if (name === "TokenExpiredError") return "token expired";
  if (info instanceof Error && info.message === "No auth token") return "missing token";
  if (name === "JsonWebTokenError" || name === "NotBeforeError") return "invalid token";
  return "invalid token claims";
}
