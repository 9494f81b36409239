/**
 * Tenant isolation across a two-node cluster: a tenant-A socket can neither join a
 * tenant-B room nor receive a tenant-B event, whatever it puts in its payloads.
 */
import { CHANNELS, eventTag, type EventEnvelope } from "@roomcast/protocol";
import { collect, connected, request, type TestSocket } from "./testing/clients";
import { startCluster, type TestCluster } from "./testing/harness";
import { until } from "./testing/wait";

const FORGED: unknown[] = [
  { channel: "chat", topic: "globex:chat:s1" },
  { channel: "chat", topic: "s1:../globex" },
  { channel: "chat", topic: "s1|*|0" },
  { channel: "chat", topic: "s1 " },
  { channel: "chat", topic: "" },
  { channel: "chat", topic: "x".repeat(10_000) },
  { channel: "chat", topic: ["s1"] },
  { channel: ["chat"], topic: "s1" },
  { channel: "globex:chat" },
  { channel: "chat", topic: "s1", tenant: "globex" },
  { channel: "chat", topic: { $ne: null } },
  { channel: "chat", topic: 42 },
  { channel: "__proto__" },
  "globex:chat:s1",
  ["globex:chat:s1"],
  null,
  42,
];

describe("tenant isolation", () => {
  let cluster: TestCluster;
  let spy: TestSocket;
  let victim: TestSocket;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2 });
    spy = await connected(cluster.nodes[0]!.url, cluster.token({ sub: "mallory", tenant: "acme", role: "admin" }));
    victim = await connected(cluster.nodes[1]!.url, cluster.token({ sub: "bob", tenant: "globex", role: "admin" }));
  });
  afterAll(async () => {
    spy.disconnect();
    victim.disconnect();
    await cluster.close();
  });

  it.each(FORGED.map((payload) => [JSON.stringify(payload)?.slice(0, 60), payload]))("refuses %s with a stable code", async (_name, payload) => {
    const result = await request(spy, "subscribe", payload);
    expect(result).toMatchObject({ ok: false, error: { code: "invalid" } });
  });

  it("never places a tenant-A socket in a tenant-B room, and tenant-B events never reach it", async () => {
    const received = collect(spy);
    const victimReceived = collect(victim);
    // Every legitimate subscription tenant A can make, plus the payloads above.
    for (const channel of CHANNELS) {
      await request(spy, "subscribe", { channel, topic: "s1" });
      await request(spy, "subscribe", { channel });
    }
    for (const payload of FORGED) await request(spy, "subscribe", payload);
    expect(await request(victim, "subscribe", { channel: "chat", topic: "s1" })).toMatchObject({ ok: true, stream: "globex:chat:s1" });

    const rooms = await cluster.nodes[0]!.gateway.io.in(spy.id!).fetchSockets();
    const spyRooms = [...(rooms[0]?.rooms ?? [])].filter((room) => room !== spy.id);
    expect(spyRooms.length).toBeGreaterThan(0);
    // Stream rooms, and the auth marker rooms (`#user:acme:…`) revocation looks sockets up by.
    expect(spyRooms.every((room) => room.startsWith("acme:") || /^#[a-z]+:acme:/.test(room))).toBe(true);
    expect(spyRooms).toContain("acme:system"); // joined on connect

    // Emit a tenant-B event into every room tenant B's streams could have, from the spy's node.
    const streams = CHANNELS.flatMap((channel) => [`globex:${channel}`, `globex:${channel}:s1`]);
    const emitAll = (offset: number) => {
      for (const stream of streams) {
        const event: EventEnvelope = { id: `${offset}`, stream, offset, channel: "chat", topic: "s1", type: "message", data: {}, priority: 9, source: "test", ts: "" };
        cluster.nodes[0]!.gateway.io.to(stream).except(eventTag(event)).emit("event", event);
      }
    };
    await until("the victim to receive tenant B's event", 5000, () => {
      emitAll(1);
      return victimReceived.length > 0;
    }, 100);
    // A final acme event proves the spy's socket is live and every earlier emit was processed.
    cluster.nodes[1]!.gateway.io.to("acme:chat:s1").emit("event", { ...victimReceived[0]!, stream: "acme:chat:s1", id: "fence" });
    await until("the spy to receive its own tenant's fence event", 5000, () => received.some((e) => e.id === "fence"));
    expect(received.filter((e) => e.stream.startsWith("globex:"))).toEqual([]);
  });
});
