/**
 * The claims Roomcast reads from a verified JWT, and how they become a Principal.
 * `tid` (tenant) and `role` are required: the tenant of every room a socket touches comes
 * from here and never from a payload. Visitors carry `sid`, the one chat session they may open.
 */
import { idSchema, ROLES, type Principal } from "@roomcast/protocol";
import { z } from "zod";

export const claimsSchema = z.object({
  sub: idSchema,
  tid: idSchema,
  role: z.enum(ROLES),
  sid: idSchema.optional(),
  exp: z.number().int(),
});
export type Claims = z.infer<typeof claimsSchema>;

export function principalFromClaims(payload: unknown): Principal | null {
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return null;
  const { sub, tid, role, sid } = parsed.data;
  if (role === "visitor" && sid === undefined) return null;
  return { sub, tenant: tid, role, session: sid };
}
