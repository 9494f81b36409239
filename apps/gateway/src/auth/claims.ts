/**
 * The claims Roomcast reads from a verified JWT, and how they become a Principal and a
 * Grant. `tid` (tenant) and `role` are required: the tenant of every room a socket touches
 * comes from here and never from a payload. Visitors carry `sid`, the one chat session they
 * may open. `exp` is required (a token that never ends is refused); `iat` and `jti` are
 * optional (tokens of another issuer may lack them) and are what revocation compares.
 */
import { idSchema, ROLES, type Principal } from "@roomcast/protocol";
import { z } from "zod";

export const claimsSchema = z.object({
  sub: idSchema,
  tid: idSchema,
  role: z.enum(ROLES),
  sid: idSchema.optional(),
  exp: z.number().int(),
  iat: z.number().nonnegative().optional(),
  jti: z.string().min(1).max(128).optional(),
  /** A display name for presence and typing; optional, never used to decide access. */
  name: z.string().min(1).max(80).optional(),
});
export type Claims = z.infer<typeof claimsSchema>;

/** What a token grants besides the identity: when it ends, when it was issued, its id. */
export interface Grant {
  /** Seconds since the epoch. */
  exp: number;
  /** Seconds since the epoch (may be fractional); undefined when the token has none. */
  iat: number | undefined;
  jti: string | undefined;
}

export interface Verified {
  principal: Principal;
  grant: Grant;
}

export function verifiedFromClaims(payload: unknown): Verified | null {
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return null;
  const { sub, tid, role, sid, exp, iat, jti, name } = parsed.data;
  if (role === "visitor" && sid === undefined) return null;
  return { principal: { sub, tenant: tid, role, session: sid, ...(name === undefined ? {} : { name }) }, grant: { exp, iat, jti } };
}

