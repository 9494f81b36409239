/**
 * The cluster-wide tenant counts on the real Redis, two nodes' counters side by side
 * (no timers started: each test publishes with `flush()`, what a tick does, and moves a
 * fake clock): below half a quota a join costs no Redis call of its own (published per
 * tick, the other nodes' sum reused for the cache period, one read shared by concurrent
 * handshakes); at or above half every admission reads afresh and every change is
 * published at once; and the only overshoot is what another node has not published yet
 * (or this node has not read again yet).
 */
import { Redis } from "ioredis";
import pino from "pino";
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from "../testing/harness";
import { until } from "../testing/wait";
import { createTenantConnections, tenantConnectionsKey, TENANT_CONNECTIONS_CACHE_MS, type TenantConnections } from "./tenant-connections";

const logger = pino({ level: "silent" });

describe("tenant connections across nodes", () => {
  let redis: Redis;
  let prefix: string;
  let clock: number;
  const made: TenantConnections[] = [];

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  beforeEach(() => {
    prefix = uniquePrefix();
    clock = 1_000_000;
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map((counter) => counter.close()));
    jest.restoreAllMocks();
    await deleteKeys(TEST_REDIS_URL, prefix);
  });
  afterAll(() => redis.disconnect());

  const node = (nodeId: string, client: Redis = redis) => {
    const counter = createTenantConnections({ nodeId, logger, redis: { client, prefix }, now: () => clock });
    made.push(counter);
    return counter;
  };
  const published = async (nodeId: string, tenant: string) => {
    const value = await redis.hget(tenantConnectionsKey(prefix, tenant), nodeId);
    return value === null ? undefined : Number(value.split(":")[0]);
  };
  /** Admits and opens one socket; whether it was admitted. */
  const join = async (counter: TenantConnections, tenant: string, max: number) => {
    if (!(await counter.admits(tenant, max))) return false;
    counter.opened(tenant);
    return true;
  };

  it("below half the quota publishes a node's count at the tick, not at each connect", async () => {
    const a = node("a");
    for (let i = 0; i < 3; i++) expect(await join(a, "t", 100)).toBe(true);
    expect(await published("a", "t")).toBeUndefined();
    await a.flush();
    expect(await published("a", "t")).toBe(3);
    a.closed("t");
    expect(await published("a", "t")).toBe(3);
    await a.flush();
    expect(await published("a", "t")).toBe(2);
  });

  it("publishes a changed count by itself once started (the tick)", async () => {
    const a = createTenantConnections({ nodeId: "a", logger, redis: { client: redis, prefix }, publishMs: 20 });
    made.push(a);
    a.start();
    expect(await join(a, "t", 100)).toBe(true);
    await until("the tick to publish a's socket", 5000, async () => (await published("a", "t")) === 1);
  });

  it("reuses the other nodes' sum for the cache period, one read for concurrent handshakes, then reads again", async () => {
    const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const reads = jest.spyOn(client, "hgetall");
      const b = node("b", client);
      expect(await Promise.all(Array.from({ length: 10 }, () => b.admits("t", 100)))).toEqual(Array(10).fill(true));
      expect(reads).toHaveBeenCalledTimes(1);
      clock += TENANT_CONNECTIONS_CACHE_MS - 1;
      expect(await b.admits("t", 100)).toBe(true);
      expect(reads).toHaveBeenCalledTimes(1);
      clock += 1;
      expect(await b.admits("t", 100)).toBe(true);
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      client.disconnect();
    }
  });

  it("at or above half the quota reads afresh at each admission and publishes each change at once, so the quota holds", async () => {
    const a = node("a");
    const b = node("b");
    expect(await join(a, "t", 4)).toBe(true);
    expect(await join(a, "t", 4)).toBe(true); // 2 of 4: at half, published at once
    await until("a's 2 sockets to be published", 5000, async () => (await published("a", "t")) === 2);
    expect(await join(b, "t", 4)).toBe(true);
    await until("b's socket to be published", 5000, async () => (await published("b", "t")) === 1);
    // a's cached sum (0) is still within its cache period: near the quota it is not used.
    expect(await join(a, "t", 4)).toBe(true);
    await until("a's 3 sockets to be published", 5000, async () => (await published("a", "t")) === 3);
    expect(await b.admits("t", 4)).toBe(false);
    expect(await a.admits("t", 4)).toBe(false);
    b.closed("t");
    await until("b's close to be published", 5000, async () => (await published("b", "t")) === undefined);
    expect(await a.admits("t", 4)).toBe(true);
  });

  it("overshoots by at most the joins another node has not published yet, and not once they are", async () => {
    const a = node("a");
    const b = node("b");
    const max = 10;
    // 4 joins on a, all below half the quota: not published yet (the tick has not come).
    for (let i = 0; i < 4; i++) expect(await join(a, "t", max)).toBe(true);
    expect(await published("a", "t")).toBeUndefined();
    let onB = 0;
    while (await join(b, "t", max)) onB += 1;
    // b filled the quota on its own count: the overshoot is exactly a's 4 unpublished joins.
    expect(onB).toBe(max);
    expect(a.local("t") + b.local("t")).toBe(max + 4);
    await a.flush();
    expect(await b.admits("t", max)).toBe(false);
    // a sees b's sockets once its cached sum (read before b's joins) has expired.
    clock += TENANT_CONNECTIONS_CACHE_MS;
    expect(await a.admits("t", max)).toBe(false);
  });
});
