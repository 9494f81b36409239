/**
 * Everything that arrives from the server is `unknown` until parsed here: event envelopes
 * by the protocol's `envelopeSchema`, acks by the result schemas below. A malformed ack
 * becomes an `internal` error result; a malformed envelope is dropped by the caller.
 */
import { z } from "zod";
import {
  ERROR_CODES,
  envelopeSchema,
  err,
  type EventEnvelope,
  type PublishOk,
  type RefreshOk,
  type Result,
  type SubscribeOk,
  type UnsubscribeOk,
} from "@roomcast/protocol";

const errSchema = z.object({
  ok: z.literal(false),
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
});
const offset = z.number().int().nonnegative();

const subscribeOkSchema = z.object({
  ok: z.literal(true),
  stream: z.string(),
  offset,
  recovered: z.boolean(),
  replayed: z.number().int().nonnegative(),
});
const unsubscribeOkSchema = z.object({ ok: z.literal(true), stream: z.string() });
const publishOkSchema = z.object({ ok: z.literal(true), id: z.string(), stream: z.string(), offset });
const refreshOkSchema = z.object({ ok: z.literal(true), exp: z.number() });

export interface AckResults {
  subscribe: SubscribeOk;
  unsubscribe: UnsubscribeOk;
  publish: PublishOk;
  "auth:refresh": RefreshOk;
}

const okSchemas = {
  subscribe: subscribeOkSchema,
  unsubscribe: unsubscribeOkSchema,
  publish: publishOkSchema,
  "auth:refresh": refreshOkSchema,
} as const;

export function parseAck<E extends keyof AckResults>(event: E, raw: unknown): Result<AckResults[E]> {
  const failure = errSchema.safeParse(raw);
  if (failure.success) return failure.data;
  const ok = okSchemas[event].safeParse(raw);
  if (ok.success) return ok.data as Result<AckResults[E]>;
  return err("internal", `malformed ${event} ack from server`);
}

export function parseEnvelope(raw: unknown): EventEnvelope | null {
  const parsed = envelopeSchema.safeParse(raw);
  return parsed.success ? (parsed.data as EventEnvelope) : null;
}
