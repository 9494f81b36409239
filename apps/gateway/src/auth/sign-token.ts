/**
 * Issues tokens for development, tests and the widget's visitor sessions. Production
 * deployments usually have their own identity provider; this signs with the configured
 * HS256 secret only.
 */
import type { Config } from "@roomcast/config";
import type { Role } from "@roomcast/protocol";
import jwt from "jsonwebtoken";

export interface TokenRequest {
  sub: string;
  tenant: string;
  role: Role;
  session?: string | undefined;
  /** Lifetime in seconds (default one hour). */
  ttlSeconds?: number | undefined;
}

export function signToken(jwtConfig: Config["jwt"], request: TokenRequest): string {
  if (jwtConfig.key.kind !== "secret") throw new Error("signing needs ROOMCAST_JWT_SECRET (a public key can only verify)");
  const claims = { tid: request.tenant, role: request.role, ...(request.session ? { sid: request.session } : {}) };
  return jwt.sign(claims, jwtConfig.key.secret, {
    algorithm: "HS256",
    subject: request.sub,
    expiresIn: request.ttlSeconds ?? 3600,
    ...(jwtConfig.issuer ? { issuer: jwtConfig.issuer } : {}),
    ...(jwtConfig.audience ? { audience: jwtConfig.audience } : {}),
  });
}
