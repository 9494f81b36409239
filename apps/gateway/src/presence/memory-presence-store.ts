/**
 * The embedded default's presence store: one node, entries in this instance's memory, with
 * the same expiry rules as the Redis store (presence-store.ts), so a test can run both.
 * Several trackers may share one instance to act as several nodes.
 */
import { mergeEntries, toMember, type PresenceEntry, type PresenceStore } from "./presence-store";

interface Stored {
  entry: PresenceEntry;
  expiresAt: number;
}

export function createMemoryPresenceStore(nodeId: string, shared: Map<string, Map<string, Stored>> = new Map()): PresenceStore & { forNode(nodeId: string): PresenceStore } {
  const streamOf = (stream: string) => {
    let entries = shared.get(stream);
    if (entries === undefined) shared.set(stream, (entries = new Map()));
    return entries;
  };
  const key = (node: string, user: string) => `${node}|${user}`;
  const userOf = (field: string) => field.slice(field.lastIndexOf("|") + 1);
  const liveOf = (entries: Map<string, Stored>, user: string, now: number) =>
    [...entries].some(([field, stored]) => userOf(field) === user && stored.expiresAt > now);

  const store = (node: string): PresenceStore => ({
    async put(stream, entry, now, expiresAt) {
      const entries = streamOf(stream);
      const first = !liveOf(entries, entry.user, now);
      entries.set(key(node, entry.user), { entry: { ...entry }, expiresAt });
      return { first };
    },
    async remove(stream, user, now) {
      const entries = streamOf(stream);
      if (!entries.delete(key(node, user))) return { last: false };
      const last = !liveOf(entries, user, now);
      if (entries.size === 0) shared.delete(stream);
      return { last };
    },
    async sweep(stream, now) {
      const entries = shared.get(stream);
      if (entries === undefined) return [];
      const expired: PresenceEntry[] = [];
      for (const [field, stored] of entries) {
        if (stored.expiresAt <= now) {
          entries.delete(field);
          expired.push(stored.entry);
        }
      }
      const gone = new Map<string, PresenceEntry>();
      for (const entry of expired) if (!liveOf(entries, entry.user, now)) gone.set(entry.user, entry);
      if (entries.size === 0) shared.delete(stream);
      return [...gone.values()].map(toMember);
    },
    async members(stream, now) {
      const entries = shared.get(stream);
      if (entries === undefined) return [];
      return mergeEntries([...entries.values()].filter((stored) => stored.expiresAt > now).map((stored) => stored.entry));
    },
  });
  return { ...store(nodeId), forNode: store };
}
