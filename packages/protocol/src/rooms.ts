/**
 * Stream (room) naming: `<tenant>:<channel>` or `<tenant>:<channel>:<topic>`.
 *
 * Invariant: tenant ids and topics match ID_PATTERN, which excludes the `:` separator,
 * so no input can forge a room name or cross into another tenant's room. Every room a
 * socket joins is built by `streamName`, never by string concatenation elsewhere.
 */
import { z } from "zod";
import { CHANNELS, isChannel, type Channel } from "./channels";
import { ID_PATTERN } from "./patterns";

export const idSchema = z.string().regex(ID_PATTERN, "must match [A-Za-z0-9_-]{1,64}");
export const tenantIdSchema = idSchema;
export const topicSchema = idSchema;
export const channelSchema = z.enum(CHANNELS);

export interface StreamRef {
  tenant: string;
  channel: Channel;
  topic?: string | undefined;
}

export function isValidId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}

/** Builds the room name; throws on an invalid part (callers validate input first). */
export function streamName(ref: StreamRef): string {
  if (!isValidId(ref.tenant)) throw new RangeError("invalid tenant id");
  if (!isChannel(ref.channel)) throw new RangeError("invalid channel");
  if (ref.topic === undefined) return `${ref.tenant}:${ref.channel}`;
  if (!isValidId(ref.topic)) throw new RangeError("invalid topic");
  return `${ref.tenant}:${ref.channel}:${ref.topic}`;
}

/** Parses a room name back into its parts, or returns null if it is not a valid stream. */
export function parseStream(name: string): StreamRef | null {
  const parts = name.split(":");
  if (parts.length < 2 || parts.length > 3) return null;
  const [tenant, channel, topic] = parts;
  if (!isValidId(tenant) || !isChannel(channel)) return null;
  if (topic !== undefined && !isValidId(topic)) return null;
  return topic === undefined ? { tenant, channel } : { tenant, channel, topic };
}

/** The room every socket of a tenant joins on connect for server notices. */
export function systemRoom(tenant: string): string {
  return streamName({ tenant, channel: "system" });
}

/** A room per user, so a notification can reach every socket of one user on every node. */
export function userRoom(tenant: string, userId: string): string {
  return streamName({ tenant, channel: "notifications", topic: userId });
}

/**
 * The room a stream's `presence` events go to: the sockets that subscribed to it with
 * `presence: true`. Not a stream name (`parseStream` refuses it: the `~` cannot occur in
 * an id), so no client can subscribe to it and stream figures do not count it.
 */
export function presenceRoom(stream: string): string {
  return `~presence:${stream}`;
}
