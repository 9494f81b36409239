/**
 * HTTP error replies: the same closed code catalog as socket acks, one status per code.
 */
import { err, isRetryable, type ErrorCode } from "@roomcast/protocol";
import type { ErrorRequestHandler, Response } from "express";
import type { Logger } from "pino";

const STATUS: Record<ErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  invalid: 400,
  rate_limited: 429,
  unavailable: 503,
  payload_too_large: 413,
  not_found: 404,
  origin_not_allowed: 403,
  reserved_type: 403,
  idempotency_conflict: 422,
  identity_unverified: 403,
  internal: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** A retryable code (protocol `isRetryable`, the same the SDK uses) says when to retry, unless the route already did. */
export function sendError(res: Response, code: ErrorCode, message: string): void {
  if (isRetryable(code) && !res.headersSent && !res.hasHeader("retry-after")) res.setHeader("retry-after", "1");
  res.status(STATUS[code]).json(err(code, message));
}

/** The last handler: body-parser failures get their stable code, anything else `internal`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const type = typeof error === "object" && error !== null && "type" in error ? String(error.type) : "";
    if (type === "entity.too.large") return sendError(res, "payload_too_large", "request body too large");
    if (type === "entity.parse.failed") return sendError(res, "invalid", "request body is not valid JSON");
    if (type.startsWith("encoding.") || type === "charset.unsupported") return sendError(res, "invalid", "unsupported body encoding");
    logger.error({ err: error }, "request failed");
    sendError(res, "internal", "internal error");
  };
}
