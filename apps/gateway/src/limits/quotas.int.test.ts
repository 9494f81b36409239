/**
 * Per-tenant quotas on two gateways sharing the real Redis: a tenant's open sockets are
 * counted across nodes, its events per second too, a socket that keeps exceeding its own
 * limit is warned and then disconnected, and another tenant is never affected. With Redis
 * stopped, handshakes and events are still answered (counted locally), never left hanging,
 * and the node is back to normal once Redis is.
 */
import { Redis } from "ioredis";
import type { SystemNotice } from "@roomcast/protocol";
import { connectOutcome, connected, openSocket, request, type TestSocket } from "../testing/clients";
import { startCluster, TEST_REDIS_URL, type TestCluster } from "../testing/harness";
import { ownedRedis } from "../testing/redis-server";
import { until, waitFor } from "../testing/wait";
import { tenantConnectionsKey } from "./tenant-connections";

describe("per-tenant quotas across two nodes", () => {
  let cluster: TestCluster;
  let redis: Redis;
  const open: TestSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 2,
      env: {
        ROOMCAST_ADMIN_UI: "off",
        ROOMCAST_TENANT_MAX_CONNECTIONS: "3",
        ROOMCAST_TENANT_EVENTS_PER_SECOND: "5",
        ROOMCAST_RATE_LIMIT_EVENTS: "5",
        ROOMCAST_RATE_LIMIT_WINDOW_SECONDS: "1",
        ROOMCAST_RATE_LIMIT_WARNINGS: "2",
      },
    });
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    redis.disconnect();
    await cluster.close();
  });

  const token = (tenant: string, sub = "u") => cluster.token({ sub, tenant, role: "agent" });
  const connect = async (node: number, tenant: string) => {
    const socket = await connected(cluster.nodes[node]!.url, token(tenant));
    open.push(socket);
    return socket;
  };
  const attempt = async (node: number, tenant: string) => {
    const socket = openSocket(cluster.nodes[node]!.url, token(tenant));
    open.push(socket);
    return connectOutcome(socket);
  };
  /** Node 0's count of the tenant as published in Redis (what node 1 reads at its handshakes). */
  const published = async (tenant: string) => Number((await redis.hget(tenantConnectionsKey(cluster.prefix, tenant), "node-0"))?.split(":")[0] ?? 0);

  it("counts a tenant's sockets on every node against its connection quota", async () => {
    const first = await connect(0, "t-conn");
    await connect(0, "t-conn");
    await until("node 0 to publish its 2 sockets", 5000, async () => (await published("t-conn")) === 2);
    await connect(1, "t-conn");
    expect(await attempt(1, "t-conn")).toMatchObject({ connected: false, code: "rate_limited" });
    expect(await attempt(0, "t-conn")).toMatchObject({ connected: false, code: "rate_limited" });
    // Another tenant is not affected.
    await connect(1, "t-other");
    // A closed socket frees its slot on the other node too.
    first.disconnect();
    await until("node 0 to publish 1 socket", 5000, async () => (await published("t-conn")) === 1);
    expect(await attempt(1, "t-conn")).toEqual({ connected: true });
  });

  it("limits a tenant's events per second across its sockets on both nodes, and only that tenant", async () => {
    const a = await connect(0, "t-events");
    const b = await connect(1, "t-events");
    const calm = await connect(1, "t-calm");
    const results = [];
    // Sequential, 4 per socket (under the per-socket limit of 5): the tenant's 5 per second decides.
    for (let i = 0; i < 4; i++) {
      results.push(await request(a, "subscribe", { channel: "chat" }));
      results.push(await request(b, "subscribe", { channel: "chat" }));
    }
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(r).toMatchObject({ error: { code: "rate_limited", message: expect.stringContaining("organisation") } });
    expect(await request(calm, "subscribe", { channel: "chat" })).toMatchObject({ ok: true });
  });

  it("warns a socket that keeps exceeding its limit, then disconnects it with a reason", async () => {
    const flooder = await connect(0, "t-flood");
    const bystander = await connect(0, "t-flood-bystander");
    const notices: SystemNotice[] = [];
    flooder.on("system", (notice) => notices.push(notice));
    const gone = waitFor<string>("the flooder to be disconnected", 15_000, (resolve) => {
      flooder.once("disconnect", resolve);
    });
    let disconnected = false;
    void gone.then(() => (disconnected = true), () => undefined);
    const deadline = Date.now() + 15_000;
    while (!disconnected && Date.now() < deadline) {
      await request(flooder, "subscribe", { channel: "chat" }, 1000).catch(() => undefined);
    }
    expect(await gone).toBe("io server disconnect");
    expect(notices.map((n) => n.type)).toEqual(["rate_limited", "rate_limited", "disconnect"]);
    expect(notices[2]).toMatchObject({ reason: "rate_limited" });
    expect(bystander.connected).toBe(true);
    expect(await request(bystander, "subscribe", { channel: "chat" })).toMatchObject({ ok: true });
  });
});

describe("quotas while Redis is down", () => {
  it("still answers handshakes and events, counting locally", async () => {
    const owned = await ownedRedis();
    await owned.start();
    const cluster = await startCluster({ nodes: 1, redisUrl: owned.url, env: { ROOMCAST_ADMIN_UI: "off" } });
    try {
      const url = cluster.nodes[0]!.url;
      const before = await connected(url, cluster.token({ sub: "a", tenant: "acme", role: "agent" }));
      await owned.stop();
      const during = openSocket(url, cluster.token({ sub: "b", tenant: "acme", role: "agent" }));
      expect(await connectOutcome(during, 10_000)).toEqual({ connected: true });
      for (const socket of [before, during]) {
        // The answer itself may be `unavailable` (nothing stores here); what matters is that one comes.
        const ack = await request(socket, "subscribe", { channel: "chat" }, 5000);
        expect(ack.ok || ["unavailable", "rate_limited"].includes(ack.error.code)).toBe(true);
        socket.disconnect();
      }
      // Back on its port: the node recovers by itself.
      await owned.start();
      const after = openSocket(url, cluster.token({ sub: "c", tenant: "acme", role: "agent" }));
      expect(await connectOutcome(after, 10_000)).toEqual({ connected: true });
      after.disconnect();
    } finally {
      await cluster.close();
      await owned.stop();
    }
  });
});
