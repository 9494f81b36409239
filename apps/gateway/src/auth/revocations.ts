/**
 * The revocation list: which tokens are refused although their signature and `exp` are
 * fine. Three kinds (protocol RevocationTarget):
 * - `token`: one token by its `jti` (sign-out), kept until the token's own `exp`;
 * - `user`: every token of (tenant, sub) issued up to `at` (its `iat`; a token without
 *   `iat` counts as issued before), kept `ttlSeconds` (the longest token lifetime);
 * - `session`: every token of a chat session (`sid`), whenever issued (an ended session
 *   never comes back), kept `ttlSeconds`.
 *
 * Single node: in memory (this node is the whole cluster; a restart forgets, see
 * docs/operations.md). Cluster: in Redis, keyed per tenant with a hash tag
 * (`<prefix>:revoked:{<tenant>}:…`) so one MGET answers in a Redis Cluster too, plus a
 * local copy of what this node wrote or heard from other nodes (the adapter's
 * `auth:revoked`). A check reads the local copy first, then Redis within `timeoutMs`; if
 * Redis does not answer, the local copy decides (logged once per outage), so an outage
 * never hangs or refuses every sign-in, and a token revoked anywhere while this node was
 * up stays refused here.
 */
import type { Principal, RevocationTarget } from "@roomcast/protocol";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Grant } from "./claims";

export interface RevocationList {
  /** Stores a revocation (cluster-wide with Redis); rejects when it could not be stored. */
  add(target: RevocationTarget): Promise<void>;
  /** Keeps a revocation another node made in this node's copy. */
  learn(target: RevocationTarget): void;
  /** Whether this token is revoked. Never rejects; bounded by the Redis timeout. */
  isRevoked(principal: Principal, grant: Grant): Promise<boolean>;
}

export interface RevocationOptions {
  ttlSeconds: number;
  now?: () => number;
}

/** Milliseconds since the epoch until which a target is kept. */
function keptUntil(target: RevocationTarget, ttlMs: number): number {
  return target.kind === "token" ? target.exp * 1000 : target.at + ttlMs;
}

const issuedAtMs = (grant: Grant): number => (grant.iat === undefined ? Number.NEGATIVE_INFINITY : grant.iat * 1000);

export function createMemoryRevocations(options: RevocationOptions): RevocationList {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlSeconds * 1000;
  // key → { at (user/session: revoked at, token: 0), until }
  const entries = new Map<string, { at: number; until: number }>();
  const prune = () => {
    const t = now();
    for (const [key, entry] of entries) if (entry.until <= t) entries.delete(key);
  };
  const keep = (target: RevocationTarget) => {
    prune();
    const key = memoryKey(target);
    const at = target.kind === "token" ? 0 : target.at;
    const previous = entries.get(key);
    entries.set(key, { at: Math.max(at, previous?.at ?? 0), until: Math.max(keptUntil(target, ttlMs), previous?.until ?? 0) });
  };
  const live = (key: string) => {
    const entry = entries.get(key);
    return entry !== undefined && entry.until > now() ? entry : undefined;
  };
  return {
    add(target) {
      keep(target);
      return Promise.resolve();
    },
    learn: keep,
    isRevoked(principal, grant) {
      const { tenant } = principal;
      if (grant.jti !== undefined && live(`token:${tenant}:${grant.jti}`) !== undefined) return Promise.resolve(true);
      const user = live(`user:${tenant}:${principal.sub}`);
      if (user !== undefined && issuedAtMs(grant) <= user.at) return Promise.resolve(true);
      if (principal.session !== undefined && live(`session:${tenant}:${principal.session}`) !== undefined) return Promise.resolve(true);
      return Promise.resolve(false);
    },
  };
}

function memoryKey(target: RevocationTarget): string {
  switch (target.kind) {
    case "token":
      return `token:${target.tenant}:${target.jti}`;
    case "user":
      return `user:${target.tenant}:${target.sub}`;
    case "session":
      return `session:${target.tenant}:${target.session}`;
  }
}

export interface RedisRevocationOptions extends RevocationOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Longest a check waits for Redis before the local copy decides (ms). */
  timeoutMs?: number;
}

export const REVOCATION_TIMEOUT_MS = 500;

export function createRedisRevocations(options: RedisRevocationOptions): RevocationList {
  const { redis, prefix, logger } = options;
  const now = options.now ?? Date.now;
  const local = createMemoryRevocations(options);
  const timeoutMs = options.timeoutMs ?? REVOCATION_TIMEOUT_MS;
  const key = (tenant: string, rest: string) => `${prefix}:revoked:{${tenant}}:${rest}`;
  let unreachable = false;

  const read = async (principal: Principal, grant: Grant): Promise<boolean> => {
    const { tenant } = principal;
    const keys = [
      key(tenant, `token:${grant.jti ?? ""}`),
      key(tenant, `user:${principal.sub}`),
      key(tenant, `session:${principal.session ?? ""}`),
    ];
    const [token, user, session] = await redis.mget(...keys);
    if (grant.jti !== undefined && token != null) return true;
    if (user != null && issuedAtMs(grant) <= Number(user)) return true;
    return principal.session !== undefined && session != null;
  };

  return {
    async add(target) {
      local.learn(target);
      const ms = Math.max(1, keptUntil(target, options.ttlSeconds * 1000) - now());
      switch (target.kind) {
        case "token":
          await redis.set(key(target.tenant, `token:${target.jti}`), "1", "PX", ms);
          return;
        case "user":
          await redis.set(key(target.tenant, `user:${target.sub}`), String(target.at), "PX", ms);
          return;
        case "session":
          await redis.set(key(target.tenant, `session:${target.session}`), String(target.at), "PX", ms);
          return;
      }
    },
    learn: local.learn,
    async isRevoked(principal, grant) {
      if (await local.isRevoked(principal, grant)) return true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const revoked = await Promise.race([read(principal, grant), timeout]);
        if (unreachable) logger.info("revocation list reachable again");
        unreachable = false;
        return revoked;
      } catch (error) {
        if (!unreachable) logger.warn({ err: error instanceof Error ? error.message : String(error) }, "revocation list unreachable; checking this node's copy only");
        unreachable = true;
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
