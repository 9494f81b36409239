/**
 * The acknowledgement of every client event, as zod schemas: the one definition of each
 * ack's shape. The gateway replies with values of the inferred types; the SDK parses what
 * arrives with `parseAck` (a malformed ack becomes an `internal` error result, never a throw).
 */
import { z } from "zod";
import { ROLES } from "./channels";
import { ERROR_CODES, err, type Result } from "./errors";

const offset = z.number().int().nonnegative();

export const errResultSchema = z.object({
  ok: z.literal(false),
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
});

export const subscribeOkSchema = z.object({
  stream: z.string(),
  /** The position the subscriber now stands at; the next live event is offset + 1. */
  offset,
  /** False when `since` was past retention: the app must refetch a snapshot. */
  recovered: z.boolean(),
  /** How many events were replayed before this ack. */
  replayed: z.number().int().nonnegative(),
});
export const unsubscribeOkSchema = z.object({ stream: z.string() });
export const publishOkSchema = z.object({ id: z.string(), stream: z.string(), offset });
/** `auth:refresh`: the socket now runs on the new token, which expires at `exp` (seconds since the epoch). */
export const refreshOkSchema = z.object({ exp: z.number() });

/** One user present in a stream, however many sockets (on however many nodes) it has there. */
export const presenceMemberSchema = z.object({
  user: z.string(),
  role: z.enum(ROLES),
  name: z.string().optional(),
  /** Its sockets in the stream, over every node. */
  connections: z.number().int().positive(),
});
export const presenceOkSchema = z.object({
  stream: z.string(),
  count: z.number().int().nonnegative(),
  members: z.array(presenceMemberSchema),
});
export const typingOkSchema = z.object({ stream: z.string() });

export type SubscribeOk = z.infer<typeof subscribeOkSchema>;
export type UnsubscribeOk = z.infer<typeof unsubscribeOkSchema>;
export type PublishOk = z.infer<typeof publishOkSchema>;
export type RefreshOk = z.infer<typeof refreshOkSchema>;
export type PresenceMember = z.infer<typeof presenceMemberSchema>;
export type PresenceOk = z.infer<typeof presenceOkSchema>;
export type TypingOk = z.infer<typeof typingOkSchema>;

/** The success part of each client event's ack, keyed by event name. */
export interface AckResults {
  subscribe: SubscribeOk;
  unsubscribe: UnsubscribeOk;
  publish: PublishOk;
  "auth:refresh": RefreshOk;
  presence: PresenceOk;
  typing: TypingOk;
}

const okSchemas: { [E in keyof AckResults]: z.ZodType<AckResults[E]> } = {
  subscribe: subscribeOkSchema,
  unsubscribe: unsubscribeOkSchema,
  publish: publishOkSchema,
  "auth:refresh": refreshOkSchema,
  presence: presenceOkSchema,
  typing: typingOkSchema,
};

/** Parses the ack of `event`: `{ok: false, error}`, `{ok: true, …}` or `internal` when it is neither. */
export function parseAck<E extends keyof AckResults>(event: E, raw: unknown): Result<AckResults[E]> {
  const failure = errResultSchema.safeParse(raw);
  if (failure.success) return failure.data;
  if (typeof raw === "object" && raw !== null && (raw as { ok?: unknown }).ok === true) {
    const ok = okSchemas[event].safeParse(raw);
    if (ok.success) return { ...ok.data, ok: true } as Result<AckResults[E]>;
  }
  return err("internal", `malformed ${event} ack from server`);
}
