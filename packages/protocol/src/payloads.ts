/**
 * Schemas for every payload a client sends. Inbound data is `unknown` until one of these
 * parses it; `.strict()` refuses unknown keys so a typo is an error, not a silent no-op.
 */
import { z } from "zod";
import { PRIORITY_DEFAULT, PRIORITY_MAX, PRIORITY_MIN, PRIORITY_NAMES, type PriorityName } from "./channels";
import { whereSchema } from "./changes";
import { EVENT_TYPE_PATTERN, FILTER_LIST_MAX, IDEMPOTENCY_KEY_PATTERN, SOURCE_MAX_LENGTH } from "./patterns";
import { channelSchema, topicSchema } from "./rooms";

export const eventTypeSchema = z.string().regex(EVENT_TYPE_PATTERN, "must match [A-Za-z0-9_.:-]{1,64}");
export const idempotencyKeySchema = z.string().regex(IDEMPOTENCY_KEY_PATTERN, "must match [A-Za-z0-9_-]{8,128}");
/** A priority as a number (PRIORITY_MIN … PRIORITY_MAX) or a name (PRIORITY_NAMES); always a number once parsed. */
export const prioritySchema = z.union([
  z.number().int().min(PRIORITY_MIN).max(PRIORITY_MAX),
  z.enum(Object.keys(PRIORITY_NAMES) as [PriorityName, ...PriorityName[]]).transform((name) => PRIORITY_NAMES[name]),
]);
/** Who published an event (`<role>:<sub>` for clients, a service's name for producers). */
export const sourceSchema = z.string().min(1).max(SOURCE_MAX_LENGTH);

export const subscribeSchema = z
  .object({
    channel: channelSchema,
    topic: topicSchema.optional(),
    since: z.number().int().nonnegative().optional(),
    types: z.array(eventTypeSchema).min(1).max(FILTER_LIST_MAX).optional(),
    sources: z.array(sourceSchema).min(1).max(FILTER_LIST_MAX).optional(),
    minPriority: prioritySchema.optional(),
    /** `changes` only (packages/protocol changes.ts): equality on a few watched columns. */
    where: whereSchema.optional(),
    /** Be visible in the stream's presence and receive its `presence` events (policy action `presence`). */
    presence: z.boolean().optional(),
  })
  .strict()
  .refine((request) => request.where === undefined || request.channel === "changes", {
    message: "where is only for the changes channel",
    path: ["where"],
  });
/** What a client sends (priorities may be names). */
export type SubscribeRequest = z.input<typeof subscribeSchema>;

export const unsubscribeSchema = z
  .object({ channel: channelSchema, topic: topicSchema.optional() })
  .strict();
export type UnsubscribeRequest = z.infer<typeof unsubscribeSchema>;

export const publishSchema = z
  .object({
    channel: channelSchema,
    topic: topicSchema.optional(),
    type: eventTypeSchema,
    data: z.json(),
    priority: prioritySchema.default(PRIORITY_DEFAULT),
    /**
     * Idempotency key chosen by the client (the SDK's `idempotencyKeys`): the gateway keeps
     * it per (tenant, sender) and answers a repeat with the original ack, writing nothing.
     */
    key: idempotencyKeySchema.optional(),
  })
  .strict();
export type PublishRequest = z.input<typeof publishSchema>;
export type PublishInput = z.output<typeof publishSchema>;

/** `presence`: who is in a stream now. */
export const presenceSchema = z.object({ channel: channelSchema, topic: topicSchema.optional() }).strict();
export type PresenceRequest = z.infer<typeof presenceSchema>;

/** `typing`: started (`typing: true`, the default) or stopped typing in a stream. */
export const typingSchema = z
  .object({ channel: channelSchema, topic: topicSchema.optional(), typing: z.boolean().default(true) })
  .strict();
export type TypingRequest = z.input<typeof typingSchema>;

/** `auth:refresh`: a JWT, verified like a handshake's. */
export const refreshSchema = z.object({ token: z.string().min(1).max(8192) }).strict();
export type RefreshRequest = z.infer<typeof refreshSchema>;
