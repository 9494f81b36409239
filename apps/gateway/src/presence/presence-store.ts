/**
 * Where presence entries live: one entry per (stream, node, user) — a user's sockets in a
 * stream on one node — with an expiry the owning node keeps pushing forward. A member of a
 * stream is a user with at least one live entry there, on any node.
 *
 * Contract of every store (memory-presence-store.ts one node, redis-presence-store.ts a
 * cluster), each call atomic:
 * - `put` writes this node's entry (or refreshes it) and says whether the user had no live
 *   entry in the stream before (`first`: a join);
 * - `remove` deletes this node's entry and says whether that was the user's last live
 *   entry (`last`: a leave); an entry already gone (swept) is never a leave twice;
 * - `sweep` deletes the expired entries of a stream and returns the members that no live
 *   entry holds any more: each such member is returned to exactly one caller cluster-wide,
 *   which emits the leave;
 * - `members` reads the live members, one per user, with their connections summed.
 */
import type { PresenceMember } from "@roomcast/protocol";

export interface PresenceEntry {
  user: string;
  role: PresenceMember["role"];
  name?: string | undefined;
  /** This node's sockets of the user in the stream. */
  connections: number;
}

export interface PresenceStore {
  put(stream: string, entry: PresenceEntry, now: number, expiresAt: number): Promise<{ first: boolean }>;
  remove(stream: string, user: string, now: number): Promise<{ last: boolean }>;
  sweep(stream: string, now: number): Promise<PresenceMember[]>;
  members(stream: string, now: number): Promise<PresenceMember[]>;
}

/** Live entries of one stream, one per user: connections summed, role and name of any entry. */
export function mergeEntries(entries: Iterable<PresenceEntry>): PresenceMember[] {
  const byUser = new Map<string, PresenceMember>();
  for (const entry of entries) {
    const seen = byUser.get(entry.user);
    if (seen === undefined) byUser.set(entry.user, toMember(entry));
    else seen.connections += entry.connections;
  }
  return [...byUser.values()].sort((a, b) => a.user.localeCompare(b.user));
}

export function toMember(entry: PresenceEntry): PresenceMember {
  return { user: entry.user, role: entry.role, ...(entry.name === undefined ? {} : { name: entry.name }), connections: Math.max(1, entry.connections) };
}
