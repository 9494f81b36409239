/**
 * Presence entries in Redis, for a cluster. Per stream, two keys in one hash slot:
 * - `<prefix>:presence:{<stream>}`: a sorted set, member `<node>|<user>`, score = the
 *   entry's expiry (ms since the epoch), pushed forward by its node on every refresh;
 * - `<prefix>:presence:{<stream>}:data`: a hash, the same field → the entry as JSON.
 * An entry whose score is past is dead (its node stopped refreshing: SIGKILL, partition);
 * readers skip it, and `sweep` removes it and names the members it was the last entry of.
 * Every operation is one Lua script, so it is atomic: two nodes sweeping the same stream
 * never both get a member, and a join or leave is decided against a consistent view.
 * Both keys expire a while after the last write, so a stream nobody sweeps leaves nothing.
 * Calls are bounded by the caller (presence-tracker.ts); this module only talks to Redis.
 */
import type { PresenceMember } from "@roomcast/protocol";
import type { Cluster, Redis } from "ioredis";
import { mergeEntries, toMember, type PresenceEntry, type PresenceStore } from "./presence-store";

// KEYS[1] zset, KEYS[2] hash. A user's entries are the fields ending in "|<user>".
const LIVE_OF_USER = `
local function live_of_user(now, user)
  local suffix = '|' .. user
  for _, f in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
    if string.sub(f, -#suffix) == suffix then return true end
  end
  return false
end
`;
// ARGV: field, user, json, now, expiresAt, keyTtlMs → 1 when the user had no live entry before.
const PUT = `${LIVE_OF_USER}
local first = live_of_user(ARGV[4], ARGV[2]) and 0 or 1
redis.call('ZADD', KEYS[1], ARGV[5], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return first`;
// ARGV: field, user, now → 1 when this was the user's last live entry (0 if it was already gone).
const REMOVE = `${LIVE_OF_USER}
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if removed == 0 then return 0 end
return live_of_user(ARGV[3], ARGV[2]) and 0 or 1`;
// ARGV: now → the JSON of one expired entry per user left with no live entry.
const SWEEP = `${LIVE_OF_USER}
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if #expired == 0 then return {} end
local data = redis.call('HMGET', KEYS[2], unpack(expired))
redis.call('ZREM', KEYS[1], unpack(expired))
redis.call('HDEL', KEYS[2], unpack(expired))
local gone, seen = {}, {}
for i, f in ipairs(expired) do
  local user = string.match(f, '|([^|]*)$')
  if user and not seen[user] and data[i] and not live_of_user(ARGV[1], user) then
    seen[user] = true
    table.insert(gone, data[i])
  end
end
return gone`;
// ARGV: now → the JSON of every live entry.
const MEMBERS = `
local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')
if #live == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(live))`;

export interface RedisPresenceStoreOptions {
  client: Redis | Cluster;
  prefix: string;
  nodeId: string;
  /** How long both keys of a stream outlive its last write (ms). */
  keyTtlMs: number;
}

export function presenceKeys(prefix: string, stream: string): [string, string] {
  const zset = `${prefix}:presence:{${stream}}`;
  return [zset, `${zset}:data`];
}

export function createRedisPresenceStore(options: RedisPresenceStoreOptions): PresenceStore {
  const { client, prefix, nodeId, keyTtlMs } = options;
  const field = (user: string) => `${nodeId}|${user}`;
  const run = (script: string, stream: string, ...args: Array<string | number>) => client.eval(script, 2, ...presenceKeys(prefix, stream), ...args);
  const entriesOf = (raw: unknown): PresenceEntry[] =>
    (Array.isArray(raw) ? raw : []).flatMap((json: unknown) => {
      if (typeof json !== "string") return [];
      try {
        return [JSON.parse(json) as PresenceEntry];
      } catch {
        return [];
      }
    });

  return {
    async put(stream, entry, now, expiresAt) {
      const first = await run(PUT, stream, field(entry.user), entry.user, JSON.stringify(entry), now, expiresAt, keyTtlMs);
      return { first: first === 1 };
    },
    async remove(stream, user, now) {
      return { last: (await run(REMOVE, stream, field(user), user, now)) === 1 };
    },
    async sweep(stream, now): Promise<PresenceMember[]> {
      return entriesOf(await run(SWEEP, stream, now)).map(toMember);
    },
    async members(stream, now) {
      return mergeEntries(entriesOf(await run(MEMBERS, stream, now)));
    },
  };
}
