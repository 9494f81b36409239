/**
 * The one error the management use cases throw on purpose: a code from the protocol's
 * closed catalog, a message fit for an operator, and optional details (for example the
 * events a re-drive refused). The HTTP API answers it with the code's status; the CLI
 * exits 2 for bad input (`invalid`, `not_found`, `forbidden`) and 1 otherwise.
 */
import type { ErrorCode } from "@roomcast/protocol";

export class ManageError extends Error {
  override name = "ManageError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
