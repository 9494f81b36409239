/**
 * Presence on a real Redis Cluster (three primaries the test starts itself): the store's Lua
 * scripts touch the two keys of one stream, which share a hash slot (`{<stream>}`), so they
 * run on the shard that owns it. Two gateways with REDIS_CLUSTER_NODES: a join and a leave
 * cross nodes, and `presence` lists the members of both (a first write refused while the
 * cluster client was still connecting is repaired by the next refresh).
 */
import type { PresenceEvent } from "@roomcast/protocol";
import { connected, request, type TestSocket } from "../testing/clients";
import { startCluster, type TestCluster } from "../testing/harness";
import { ownedRedisCluster, type OwnedRedisCluster } from "../testing/redis-cluster";
import { until, waitFor } from "../testing/wait";

describe("presence on a Redis Cluster", () => {
  let redis: OwnedRedisCluster;
  let cluster: TestCluster;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    redis = await ownedRedisCluster();
    cluster = await startCluster({ nodes: 2, redisUrl: null, env: { REDIS_CLUSTER_NODES: redis.nodes.join(","), ROOMCAST_ADMIN_UI: "off" } });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await cluster?.close();
    await redis?.stop();
  });

  it("sends joins and leaves across nodes and lists the members of both", async () => {
    const on = async (node: number, sub: string) => {
      const socket = await connected(cluster.nodes[node]!.url, cluster.token({ sub, tenant: "acme", role: "agent" }));
      sockets.push(socket);
      return socket;
    };
    const ana = await on(0, "ana");
    expect(await request(ana, "subscribe", { channel: "chat", topic: "rc1", presence: true })).toMatchObject({ ok: true });
    // Node 0 subscribes the presence room's shard channel asynchronously: the member on node 1 joins (and leaves) until seen.
    const seen = (type: "join" | "leave") =>
      waitFor<PresenceEvent>(`bob's ${type} on node 0`, 10_000, (resolve) => {
        const listener = (e: PresenceEvent) => e.member.user === "bob" && e.type === type && resolve(e);
        ana.on("presence", listener);
        return () => ana.off("presence", listener);
      });
    const joined = seen("join");
    const bob = await on(1, "bob");
    expect(await request(bob, "subscribe", { channel: "chat", topic: "rc1", presence: true })).toMatchObject({ ok: true });
    await joined;
    // A first write that found the cluster client still connecting is repaired by the next refresh (1.5 s).
    let listed: unknown;
    await until("presence to list ana and bob", 5000, async () => {
      listed = await request(ana, "presence" as "subscribe", { channel: "chat", topic: "rc1" });
      return (listed as { count?: number }).count === 2;
    }, 200);
    expect(listed).toMatchObject({ ok: true, stream: "acme:chat:rc1", count: 2 });
    const left = seen("leave");
    bob.disconnect();
    await left;
  });
});
