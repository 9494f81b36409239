/**
 * Three gateways on port 0 sharing the real Redis: an event emitted on one node reaches
 * subscribers on the others, with either adapter mode.
 */
import { eventTag, type EventEnvelope } from "@roomcast/protocol";
import { randomUUID } from "node:crypto";
import { collect, connected, request, type TestSocket } from "./testing/clients";
import { startCluster, type TestCluster } from "./testing/harness";
import { until, waitFor } from "./testing/wait";

function envelope(stream: string, offset: number, type = "message", priority = 5): EventEnvelope {
  const [, channel, topic] = stream.split(":");
  return { id: randomUUID(), stream, offset, channel: channel as "chat", topic: topic ?? null, type, data: { offset }, priority, source: "test", ts: new Date().toISOString() };
}

describe.each(["sharded", "classic"])("a three-node cluster with the %s adapter", (adapter) => {
  let cluster: TestCluster;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, env: { ROOMCAST_REDIS_ADAPTER: adapter } });
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await cluster.close();
  });

  async function agentOn(node: number): Promise<TestSocket> {
    const socket = await connected(cluster.nodes[node]!.url, cluster.token({ sub: `agent${node}`, tenant: "acme", role: "agent" }));
    sockets.push(socket);
    return socket;
  }

  it("delivers an event emitted on node A to subscribers on B and C", async () => {
    const [a, b, c] = [await agentOn(0), await agentOn(1), await agentOn(2)];
    const received = [collect(a), collect(b), collect(c)];
    for (const socket of [a, b, c]) {
      expect(await request(socket, "subscribe", { channel: "chat", topic: "s1" })).toMatchObject({ ok: true, stream: "acme:chat:s1" });
    }
    // In sharded dynamic mode a node subscribes to a room's channel when the room appears
    // locally; wait until Redis reports every node subscribed before emitting.
    const events = [1, 2, 3].map((n) => envelope("acme:chat:s1", n));
    await until("every node to receive the first event", 5000, async () => {
      cluster.nodes[0]!.gateway.io.to("acme:chat:s1").emit("event", events[0]!);
      return received.every((list) => list.some((e) => e.offset === 1));
    }, 100);
    for (const e of events.slice(1)) cluster.nodes[0]!.gateway.io.to(e.stream).emit("event", e);
    await until("events 2 and 3 on every node", 5000, () => received.every((list) => list.some((e) => e.offset === 3)));
    for (const list of received) {
      const offsets = [...new Set(list.map((e) => e.offset))];
      expect(offsets).toEqual([1, 2, 3]);
    }
  });

  it("closing one node disconnects only its own sockets", async () => {
    const extra = await startCluster({ nodes: 2, env: { ROOMCAST_REDIS_ADAPTER: adapter } });
    try {
      const token = extra.token({ sub: "a", tenant: "acme", role: "agent" });
      const survivor = await connected(extra.nodes[1]!.url, token);
      const leaving = await connected(extra.nodes[0]!.url, token);
      const gone = waitFor<void>("the closed node's socket to disconnect", 5000, (resolve) => {
        leaving.once("disconnect", () => resolve());
      });
      await extra.nodes[0]!.gateway.close();
      await gone;
      // A fence round trip on the survivor proves it is still connected after the close.
      expect(await request(survivor, "subscribe", { channel: "chat", topic: "fence" })).toMatchObject({ ok: true });
      expect(survivor.connected).toBe(true);
      survivor.disconnect();
    } finally {
      await extra.close();
    }
  });

  it("applies type and priority filters on every node", async () => {
    const [b, c] = [await agentOn(1), await agentOn(2)];
    const [onB, onC] = [collect(b), collect(c)];
    expect(await request(b, "subscribe", { channel: "chat", topic: "s2", types: ["status"] })).toMatchObject({ ok: true });
    expect(await request(c, "subscribe", { channel: "chat", topic: "s2", minPriority: 8 })).toMatchObject({ ok: true });
    const emit = (e: EventEnvelope) => cluster.nodes[0]!.gateway.io.to(e.stream).except(eventTag(e)).emit("event", e);
    const marker = envelope("acme:chat:s2", 0, "status", 9);
    await until("both nodes to receive the marker", 5000, () => {
      emit(marker);
      return onB.length > 0 && onC.length > 0;
    }, 100);
    emit(envelope("acme:chat:s2", 1, "message", 9));
    emit(envelope("acme:chat:s2", 2, "status", 3));
    emit(envelope("acme:chat:s2", 3, "message", 8));
    emit(envelope("acme:chat:s2", 4, "status", 9));
    await until("the last event on both nodes", 5000, () => onB.some((e) => e.offset === 4) && onC.some((e) => e.offset === 4));
    // Offset 0 is the readiness marker, possibly received more than once.
    expect(onB.map((e) => e.offset).filter((o) => o > 0)).toEqual([2, 4]);
    expect(onC.map((e) => e.offset).filter((o) => o > 0)).toEqual([1, 3, 4]);
  });
});
