/**
 * Redis going away must not take a gateway down, and cross-node delivery must resume by
 * itself once Redis is back. The test owns its redis-server and kills it mid-run.
 */
import type { EventEnvelope } from "@roomcast/protocol";
import { collect, connected, request } from "./testing/clients";
import { startCluster } from "./testing/harness";
import { ownedRedis } from "./testing/redis-server";
import { until } from "./testing/wait";

describe.each(["sharded", "classic"])("a Redis outage with the %s adapter", (adapter) => {
  const crashes: unknown[] = [];
  const record = (error: unknown) => crashes.push(error);

  beforeAll(() => {
    process.on("unhandledRejection", record);
    process.on("uncaughtException", record);
  });
  afterAll(() => {
    process.off("unhandledRejection", record);
    process.off("uncaughtException", record);
  });

  it("does not crash a gateway, and delivery across nodes resumes after Redis is back", async () => {
    const redis = await ownedRedis();
    await redis.start();
    const cluster = await startCluster({ nodes: 2, redisUrl: redis.url, env: { ROOMCAST_REDIS_ADAPTER: adapter } });
    try {
      const token = cluster.token({ sub: "agent", tenant: "acme", role: "agent" });
      const listener = await connected(cluster.nodes[1]!.url, token);
      const sender = await connected(cluster.nodes[0]!.url, token);
      const received = collect(listener);
      const notices: string[] = [];
      listener.on("system", (notice) => notices.push(notice.type));
      expect(await request(listener, "subscribe", { channel: "chat", topic: "s1" })).toMatchObject({ ok: true });

      let offset = 0;
      const emitFromA = () => {
        offset++;
        const event: EventEnvelope = { id: String(offset), stream: "acme:chat:s1", offset, channel: "chat", topic: "s1", type: "message", data: {}, priority: 5, source: "test", ts: "" };
        cluster.nodes[0]!.gateway.io.to("acme:chat:s1").emit("event", event);
        return offset;
      };
      const deliveredAfter = (from: number) => () => {
        emitFromA();
        return received.some((e) => e.offset > from);
      };
      await until("delivery before the outage", 5000, deliveredAfter(0), 100);

      await redis.stop();
      // While Redis is down: emits, subscribes and probes go on without crashing the node.
      for (let i = 0; i < 20; i++) emitFromA();
      expect(await request(sender, "subscribe", { channel: "chat", topic: "s2" })).toMatchObject({ ok: true });
      const ready = await fetch(`${cluster.nodes[0]!.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ok: false, error: { code: "unavailable" } });

      await redis.start();
      const mark = offset;
      await until("delivery across nodes after Redis is back", 20_000, deliveredAfter(mark), 200);
      // Its node's subscriber was away: the socket is told to catch up from the database.
      await until("a resync notice", 5000, () => notices.includes("resync"));
      expect(listener.connected && sender.connected).toBe(true);
      expect((await fetch(`${cluster.nodes[0]!.url}/readyz`)).status).toBe(200);
      expect(crashes).toEqual([]);
      listener.disconnect();
      sender.disconnect();
    } finally {
      await cluster.close();
      await redis.stop();
    }
  });
});
