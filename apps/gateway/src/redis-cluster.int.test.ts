/**
 * The sharded adapter on a real Redis Cluster: three primaries the test starts itself
 * (testing/redis-cluster.ts), two gateways configured with REDIS_CLUSTER_NODES, each with
 * ioredis Cluster clients and one sharded subscriber connection per primary.
 *
 * What it proves: an event emitted on node A reaches a socket on node B through the room's
 * own channel (SPUBLISH on the shard that owns the channel's slot, where node B is the one
 * subscriber and node A none); when that shard's primary dies and comes back, each gateway
 * logs the outage and the recovery once, readiness is 503 meanwhile, the socket on B is told
 * to resync, and delivery across nodes resumes by itself.
 */
import type { EventEnvelope } from "@roomcast/protocol";
import { Redis } from "ioredis";
import pino from "pino";
import { collect, connected, request, type TestSocket } from "./testing/clients";
import { startCluster, type TestCluster } from "./testing/harness";
import { ownedRedisCluster, type OwnedRedisCluster } from "./testing/redis-cluster";
import { until } from "./testing/wait";

interface LogLine {
  msg: string;
  testNode?: number;
}

describe("the sharded adapter on a Redis Cluster of three primaries", () => {
  let redis: OwnedRedisCluster;
  let cluster: TestCluster;
  const lines: LogLine[] = [];
  const count = (msg: string, node: number) => lines.filter((l) => l.msg === msg && l.testNode === node).length;
  const sockets: TestSocket[] = [];
  const crashes: unknown[] = [];
  const record = (error: unknown) => crashes.push(error);

  beforeAll(async () => {
    process.on("unhandledRejection", record);
    process.on("uncaughtException", record);
    redis = await ownedRedisCluster();
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
    cluster = await startCluster({ nodes: 2, redisUrl: null, env: { REDIS_CLUSTER_NODES: redis.nodes.join(","), ROOMCAST_ADMIN_UI: "off" }, logger });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await cluster?.close();
    await redis?.stop();
    process.off("unhandledRejection", record);
    process.off("uncaughtException", record);
  });

  let offset = 0;
  const emitFromA = (stream: string) => {
    offset++;
    const [, channel, topic] = stream.split(":");
    const event: EventEnvelope = { id: String(offset), stream, offset, channel: channel as "chat", topic: topic ?? null, type: "message", data: {}, priority: 5, source: "test", ts: "" };
    cluster.nodes[0]!.gateway.io.to(stream).emit("event", event);
    return offset;
  };
  const deliveredAfter = (stream: string, received: EventEnvelope[], from: number) => () => {
    emitFromA(stream);
    return received.some((e) => e.offset > from);
  };
  const roomChannel = (stream: string) => `${cluster.prefix}:io#/#${stream}#`;

  it("delivers across nodes on the room's own shard channel", async () => {
    const token = cluster.token({ sub: "agent", tenant: "acme", role: "agent" });
    const listener = await connected(cluster.nodes[1]!.url, token);
    sockets.push(listener);
    const received = collect(listener);
    expect(await request(listener, "subscribe", { channel: "chat", topic: "c1" })).toMatchObject({ ok: true });

    await until("delivery from node A to node B", 10_000, deliveredAfter("acme:chat:c1", received, 0), 100);
    expect(received.every((e) => e.stream === "acme:chat:c1")).toBe(true);
    // The room's channel lives on the primary owning its slot, with node B its one subscriber.
    const owner = await redis.ownerOf(roomChannel("acme:chat:c1"));
    const shard = new Redis(redis.ports[owner]!, "127.0.0.1", { maxRetriesPerRequest: 1 });
    try {
      expect(await shard.call("PUBSUB", "SHARDNUMSUB", roomChannel("acme:chat:c1"))).toEqual([roomChannel("acme:chat:c1"), 1]);
    } finally {
      shard.disconnect();
    }
    expect(crashes).toEqual([]);
  });

  it("resyncs and resumes delivery after the room's shard goes away and comes back", async () => {
    const stream = "acme:chat:c2";
    const token = cluster.token({ sub: "agent2", tenant: "acme", role: "agent" });
    const listener = await connected(cluster.nodes[1]!.url, token);
    sockets.push(listener);
    const received = collect(listener);
    const notices: string[] = [];
    listener.on("system", (notice) => notices.push(notice.type));
    expect(await request(listener, "subscribe", { channel: "chat", topic: "c2" })).toMatchObject({ ok: true });
    await until("delivery before the outage", 10_000, deliveredAfter(stream, received, offset), 100);

    const owner = await redis.ownerOf(roomChannel(stream));
    await redis.kill(owner);
    for (let i = 0; i < 10; i++) emitFromA(stream);
    await until("both nodes to log the outage", 10_000, () => count("redis unreachable", 0) > 0 && count("redis unreachable", 1) > 0, 50);
    expect((await fetch(`${cluster.nodes[1]!.url}/readyz`, { signal: AbortSignal.timeout(2000) })).status).toBe(503);

    await redis.restart(owner);
    const mark = offset;
    await until("both nodes to log the recovery", 20_000, () => count("redis reachable again", 0) > 0 && count("redis reachable again", 1) > 0, 50);
    await until("a resync notice", 5000, () => notices.includes("resync"));
    await until("delivery across nodes after the shard is back", 10_000, deliveredAfter(stream, received, mark), 200);
    await until("readiness back", 5000, async () => (await fetch(`${cluster.nodes[1]!.url}/readyz`)).status === 200, 100);
    for (const node of [0, 1]) {
      expect(count("redis unreachable", node)).toBe(1);
      expect(count("redis reachable again", node)).toBe(1);
    }
    expect(listener.connected).toBe(true);
    expect(crashes).toEqual([]);
  });
});
