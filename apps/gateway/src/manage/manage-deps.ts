/** What every management use case is built from (createManagement binds them). */
import type { Db } from "@roomcast/db";
import type { RevocationTarget } from "@roomcast/protocol";
import type { Audit } from "./audit";

export interface ManageDeps {
  db: Db;
  audit: Audit;
  /**
   * Revokes a user's tokens on every node (the gateway's revoker); absent in the CLI, which
   * has no Socket.IO server: there a disabled user's tokens end at their `exp`.
   */
  revoke?: ((target: RevocationTarget) => Promise<void>) | undefined;
  now?: () => number;
}

/** Prisma's "unique constraint failed" (P2002), without importing its error classes. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}
