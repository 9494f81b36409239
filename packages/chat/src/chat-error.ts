/**
 * The one error the product domain throws on purpose: a code from the protocol's closed
 * catalog and a short message fit for a client. Anything else thrown is a bug or an
 * outage and is reported as `internal` / `unavailable` by the caller.
 */
import type { ErrorCode } from "@roomcast/protocol";

export class ChatError extends Error {
  override name = "ChatError";
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
