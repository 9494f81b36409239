/**
 * Everything that arrives from the server is `unknown` until parsed here: event envelopes
 * by the protocol's `envelopeSchema`, acks by the protocol's ack schemas (`parseAck`),
 * presence and typing events by the schemas below. A malformed ack becomes an `internal`
 * error result; a malformed event is dropped by the caller.
 */
import { z } from "zod";
import { envelopeSchema, presenceMemberSchema, ROLES, type EventEnvelope, type PresenceEvent, type TypingEvent } from "@roomcast/protocol";

export { parseAck, type AckResults } from "@roomcast/protocol";

const presenceEventSchema = z.object({ stream: z.string(), type: z.enum(["join", "leave"]), member: presenceMemberSchema });
const typingEventSchema = z.object({ stream: z.string(), user: z.string(), role: z.enum(ROLES), name: z.string().optional(), typing: z.boolean() });

export function parseEnvelope(raw: unknown): EventEnvelope | null {
  const parsed = envelopeSchema.safeParse(raw);
  return parsed.success ? (parsed.data as EventEnvelope) : null;
}

export function parsePresenceEvent(raw: unknown): PresenceEvent | null {
  const parsed = presenceEventSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function parseTypingEvent(raw: unknown): TypingEvent | null {
  const parsed = typingEventSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
