/**
 * Maps what the product domain throws to an HTTP reply or an ack: a ChatError keeps its
 * code and message, an invalid event is `invalid`, a reused idempotency key
 * `idempotency_conflict`, anything else is logged and answered
 * `unavailable` (the database is the only thing that fails here) with a fixed message.
 */
import { ChatError } from "@roomcast/chat";
import { IdempotencyConflictError, InvalidEventError } from "@roomcast/db";
import { err, type Err } from "@roomcast/protocol";
import type { Response } from "express";
import type { Logger } from "pino";
import { sendError } from "../http/errors";

export function domainFailure(error: unknown, logger: Logger, what: string): Err {
  if (error instanceof ChatError) return err(error.code, error.message);
  if (error instanceof InvalidEventError) return err("invalid", error.message);
  if (error instanceof IdempotencyConflictError) return err("idempotency_conflict", error.message);
  logger.warn({ err: error }, `${what} failed`);
  return err("unavailable", "chat storage is unavailable, retry later");
}

export function sendDomainError(res: Response, error: unknown, logger: Logger, what: string): void {
  const failure = domainFailure(error, logger, what);
  sendError(res, failure.error.code, failure.error.message);
}
