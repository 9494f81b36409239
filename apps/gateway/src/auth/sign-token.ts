/**
 * Issues tokens for development, tests and the widget's visitor sessions. Production
 * deployments usually have their own identity provider; this signs with the configured
 * HS256 secret only.
 *
 * Every token gets a `jti` (so one token can be revoked: sign-out) and an `iat` with
 * millisecond precision (a NumericDate may be fractional, RFC 7519 §2), so revoking a user
 * "up to now" never refuses a token issued a moment later in the same second.
 */
import type { Config } from "@roomcast/config";
import type { Role } from "@roomcast/protocol";
import { randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";

export interface TokenRequest {
  sub: string;
  tenant: string;
  role: Role;
  session?: string | undefined;
  /** The `name` claim: shown in presence and typing. */
  name?: string | undefined;
  /** Lifetime in seconds (default one hour). */
  ttlSeconds?: number | undefined;
}

export function signToken(jwtConfig: Config["jwt"], request: TokenRequest, now: number = Date.now()): string {
  if (jwtConfig.key.kind !== "secret") throw new Error("signing needs ROOMCAST_JWT_SECRET (a public key can only verify)");
  const iat = now / 1000;
  const claims = {
    tid: request.tenant,
    role: request.role,
    ...(request.session ? { sid: request.session } : {}),
    ...(request.name ? { name: request.name.slice(0, 80) } : {}),
    iat,
    exp: Math.floor(iat) + (request.ttlSeconds ?? 3600),
  };
  return jwt.sign(claims, jwtConfig.key.secret, {
    algorithm: "HS256",
    subject: request.sub,
    jwtid: randomUUID(),
    ...(jwtConfig.issuer ? { issuer: jwtConfig.issuer } : {}),
    ...(jwtConfig.audience ? { audience: jwtConfig.audience } : {}),
  });
}
