/**
 * Filtered subscriptions, matched on the node that holds the socket.
 *
 * Every event is broadcast to exactly one room, its stream, so the sharded Redis adapter
 * carries it on that stream's own channel to the nodes that have a subscriber, once. The
 * emitter names what the event is in a tag passed as an `except` room (`eventTag`): rooms
 * in `except` travel with the broadcast, and no socket ever joins a room whose name starts
 * with U+0001, so the tag excludes nobody by itself. The receiving node's adapter
 * (@roomcast/cluster `withEventFilter`) reads the tag back (`parseEventTag`) and writes the
 * packet, encoded once, to each socket of the room whose filter `passesFilter` — the same
 * function a replay uses, so live and replayed events are filtered alike.
 *
 * A `changes` event's tag also carries the matchable column values of its rows
 * (`changeRows`, bounded: at most two rows of CHANGE_ROW_MAX_FIELDS short scalars), so
 * `where` is matched on the receiving node from the tag, parsed once per broadcast; per
 * socket it is a few key comparisons, never a parse of the packet.
 */
import { changeRows, matchesWhere, type ChangeRow } from "./changes";
import type { EventEnvelope } from "./envelope";
import type { SubscriptionFilter } from "./events";

export type EventFacts = Pick<EventEnvelope, "type" | "priority" | "source"> & {
  /** A `changes` event's matchable row values (from its tag); absent for other channels. */
  rows?: readonly ChangeRow[] | undefined;
};

/** What the tag and the filter read from an event: its facts, or a whole envelope. */
export type FilterableEvent = EventFacts & Partial<Pick<EventEnvelope, "channel" | "data">>;

const TAG_PREFIX = "\u0001event:";

/** The `except` tag the emitter adds to an event's broadcast. */
export function eventTag(event: FilterableEvent): string {
  const facts: unknown[] = [event.type, event.priority, event.source];
  if (event.channel === "changes") facts.push(event.rows ?? changeRows(event.data));
  return TAG_PREFIX + JSON.stringify(facts);
}

/** The facts of an event tag, or undefined if `room` is not one (or is malformed). */
export function parseEventTag(room: string): EventFacts | undefined {
  if (!room.startsWith(TAG_PREFIX)) return undefined;
  try {
    const value: unknown = JSON.parse(room.slice(TAG_PREFIX.length));
    if (!Array.isArray(value) || value.length < 3 || value.length > 4) return undefined;
    const [type, priority, source, rows] = value as unknown[];
    if (typeof type !== "string" || typeof priority !== "number" || typeof source !== "string") return undefined;
    if (rows === undefined) return { type, priority, source };
    if (!Array.isArray(rows) || !rows.every((row) => typeof row === "object" && row !== null && !Array.isArray(row))) return undefined;
    return { type, priority, source, rows: rows as ChangeRow[] };
  } catch {
    return undefined;
  }
}

/** Whether an event passes a subscription's filter (undefined: no filter, everything passes). */
export function passesFilter(filter: SubscriptionFilter | undefined, event: FilterableEvent): boolean {
  if (filter === undefined) return true;
  if (filter.minPriority !== undefined && event.priority < filter.minPriority) return false;
  if (filter.types !== undefined && filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  if (filter.sources !== undefined && filter.sources.length > 0 && !filter.sources.includes(event.source)) return false;
  if (filter.where !== undefined && !matchesWhere(filter.where, event.rows ?? (event.channel === "changes" ? changeRows(event.data) : []))) return false;
  return true;
}
