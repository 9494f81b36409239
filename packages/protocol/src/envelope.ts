/**
 * The event envelope: the one shape every client receives, whatever produced the event.
 * `offset` is the event's position in its stream: 1, 2, 3 … gapless, in commit order.
 */
import { z } from "zod";
import { PRIORITY_MAX, PRIORITY_MIN } from "./channels";
import { channelSchema, topicSchema } from "./rooms";

export const envelopeSchema = z.object({
  id: z.string(),
  stream: z.string(),
  offset: z.number().int().nonnegative(),
  channel: channelSchema,
  topic: topicSchema.nullable(),
  type: z.string(),
  data: z.unknown(),
  priority: z.number().int().min(PRIORITY_MIN).max(PRIORITY_MAX),
  source: z.string(),
  ts: z.string(),
});

export type EventEnvelope<T = unknown> = Omit<z.infer<typeof envelopeSchema>, "data"> & { data: T };

/**
 * A server notice on the `system` event (not part of any stream, so no offset).
 * `drain`: this node is shutting down, reconnect. `resync`: live events may have been
 * missed (the node's Redis subscriber was away); resubscribe every stream with `since`.
 * `token_expired`: the socket's token expired without an `auth:refresh`; it is
 * disconnected next. `revoked`: its token, user or chat session was revoked; disconnected
 * next. `rate_limited`: a warning, the socket keeps exceeding its event rate; after the
 * last warning it gets `disconnect` (with `reason: "rate_limited"`) and is disconnected.
 */
export interface SystemNotice {
  type: "drain" | "notice" | "resync" | "token_expired" | "revoked" | "rate_limited" | "disconnect";
  message: string;
  ts: string;
  /** `disconnect` only: why (an error code of the catalog). */
  reason?: string | undefined;
}

/** The type of the placeholder that takes a quarantined event's offset (see the relay). */
export const QUARANTINED_TYPE = "roomcast.quarantined";

/**
 * Stands in for an event the relay could not deliver, so the stream stays gapless for
 * subscribers; the original stays in the database for an operator.
 */
export function quarantinePlaceholder(event: EventEnvelope): EventEnvelope {
  return { ...event, type: QUARANTINED_TYPE, data: null };
}
