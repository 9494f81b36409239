/**
 * Agent availability for routing: each agent is `online` (new chats may be routed to it)
 * or `away` (the default: an agent never set online is away). Set from the console with
 * `PUT /api/v1/chat/availability`; read when a visitor starts a chat.
 *
 * Single node: in memory on this gateway instance (it is the whole cluster; a restart
 * forgets and everyone is away again). Cluster: one Redis hash per tenant,
 * `<prefix>:availability:{<tenant>}` (user → status), so every node routes alike. Every
 * Redis call is bounded by `timeoutMs`: `set` then rejects (the route answers
 * `unavailable`) and `online` answers nobody, so a chat started during an outage waits for
 * an agent instead of hanging.
 *
 * Available for routing (`availableAgents`) means online *and* present in the tenant's
 * `chat` stream (a signed-in console is a member there, presence-tracker.ts): an agent who
 * closed every console is not given chats although the stored status stays online. When
 * presence cannot be read, the stored status alone decides.
 */
import { streamName } from "@roomcast/protocol";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";

export const AGENT_STATUSES = ["online", "away"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface AvailabilityStore {
  set(tenant: string, user: string, status: AgentStatus): Promise<void>;
  /** Every stored status of the tenant (users never set are away and not listed). */
  list(tenant: string): Promise<Array<{ user: string; status: AgentStatus }>>;
  /** The users of the tenant who are online; never rejects (an outage answers nobody). */
  online(tenant: string): Promise<string[]>;
}

/** The users present in a stream, or undefined when that cannot be read now. */
export type PresentUsers = (stream: string) => Promise<readonly string[] | undefined>;

/** Online and present: the agents a new chat may be routed to. Never rejects. */
export async function availableAgents(store: AvailabilityStore, present: PresentUsers | undefined, tenant: string): Promise<string[]> {
  const online = await store.online(tenant);
  if (online.length === 0 || present === undefined) return online;
  const here = await present(streamName({ tenant, channel: "chat" })).catch(() => undefined);
  if (here === undefined) return online;
  const set = new Set(here);
  return online.filter((user) => set.has(user));
}

const isStatus = (value: string): value is AgentStatus => (AGENT_STATUSES as readonly string[]).includes(value);

export function createMemoryAvailability(): AvailabilityStore {
  const tenants = new Map<string, Map<string, AgentStatus>>();
  const list = (tenant: string) => [...(tenants.get(tenant) ?? new Map<string, AgentStatus>())].map(([user, status]) => ({ user, status }));
  return {
    set: async (tenant, user, status) => {
      const users = tenants.get(tenant) ?? new Map<string, AgentStatus>();
      users.set(user, status);
      tenants.set(tenant, users);
    },
    list: async (tenant) => list(tenant),
    online: async (tenant) => list(tenant).filter((e) => e.status === "online").map((e) => e.user),
  };
}

export interface RedisAvailabilityOptions {
  redis: Redis | Cluster;
  prefix: string;
  logger: Logger;
  timeoutMs?: number;
}

export function availabilityKey(prefix: string, tenant: string): string {
  return `${prefix}:availability:{${tenant}}`;
}

export function createRedisAvailability(options: RedisAvailabilityOptions): AvailabilityStore {
  const timeoutMs = options.timeoutMs ?? 1000;
  const bounded = async <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const list = async (tenant: string) => {
    const all = await bounded(options.redis.hgetall(availabilityKey(options.prefix, tenant)));
    return Object.entries(all).flatMap(([user, status]) => (isStatus(status) ? [{ user, status }] : []));
  };
  return {
    set: async (tenant, user, status) => {
      await bounded(options.redis.hset(availabilityKey(options.prefix, tenant), user, status));
    },
    list,
    online: async (tenant) => {
      try {
        return (await list(tenant)).filter((e) => e.status === "online").map((e) => e.user);
      } catch (error) {
        options.logger.warn({ err: error, tenant }, "agent availability unreadable; the chat waits for an agent");
        return [];
      }
    },
  };
}
