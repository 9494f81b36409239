/**
 * Filtered subscriptions without per-socket work: a filter is encoded in the name of the
 * room the socket joins, and an event is emitted to every room whose filter it passes.
 * The adapter then delivers each event once per socket, on every node.
 *
 *   no filter                     → `<stream>`
 *   minPriority m (m ≥ 1) only    → `<stream>|*|<m>`
 *   types [t…], minPriority m     → `<stream>|<t>|<m>` for each t
 *
 * `|` can occur neither in a stream name nor in an event type, so no filter room can be
 * forged from input.
 */
import { PRIORITY_MIN } from "./channels";
import type { EventEnvelope } from "./envelope";
import type { SubscriptionFilter } from "./events";

export function filterRooms(stream: string, filter: SubscriptionFilter): string[] {
  const min = filter.minPriority ?? PRIORITY_MIN;
  if (filter.types === undefined || filter.types.length === 0) {
    return min <= PRIORITY_MIN ? [stream] : [`${stream}|*|${min}`];
  }
  return [...new Set(filter.types)].map((type) => `${stream}|${type}|${min}`);
}

/** Every room an event of this stream, type and priority must be emitted to. */
export function deliveryRooms(stream: string, type: string, priority: number): string[] {
  const rooms = [stream, `${stream}|${type}|${PRIORITY_MIN}`];
  for (let m = PRIORITY_MIN + 1; m <= priority; m++) rooms.push(`${stream}|*|${m}`, `${stream}|${type}|${m}`);
  return rooms;
}

/** The same decision for one event, for events sent to one socket (replay). */
export function passesFilter(filter: SubscriptionFilter, event: Pick<EventEnvelope, "type" | "priority">): boolean {
  if (filter.minPriority !== undefined && event.priority < filter.minPriority) return false;
  if (filter.types !== undefined && filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  return true;
}
