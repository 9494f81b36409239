/**
 * Presence on one node without Redis (the embedded default's in-memory store), and the
 * policy at the socket: who may see presence where, and bad input, each refused with a
 * stable code and changing nothing.
 */
import { connected, request, startCluster, waitFor, type TestCluster, type TestSocket } from "@roomcast/gateway/testing";
import type { PresenceEvent } from "@roomcast/protocol";

describe("presence on a single node without Redis", () => {
  let cluster: TestCluster;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 1, redisUrl: null });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await cluster.close();
  });
  const on = async (sub: string, role: "agent" | "visitor" | "member", session?: string) => {
    const socket = await connected(cluster.nodes[0]!.url, cluster.token({ sub, tenant: "acme", role, ...(session === undefined ? {} : { session }) }));
    sockets.push(socket);
    return socket;
  };
  const presence = (socket: TestSocket, payload: unknown) => request(socket, "presence" as "subscribe", payload);

  it("lists members, and sends a join and a leave", async () => {
    const agent = await on("ana", "agent");
    const events: PresenceEvent[] = [];
    agent.on("presence", (e) => events.push(e));
    expect(await request(agent, "subscribe", { channel: "chat", topic: "s5", presence: true })).toMatchObject({ ok: true });
    const visitor = await on("v5", "visitor", "s5");
    const joined = waitFor<PresenceEvent>("v5's join", 5000, (resolve) => {
      agent.on("presence", (e) => e.member.user === "v5" && e.type === "join" && resolve(e));
    });
    expect(await request(visitor, "subscribe", { channel: "chat", topic: "s5", presence: true })).toMatchObject({ ok: true });
    await joined;
    expect(await presence(visitor, { channel: "chat", topic: "s5" })).toMatchObject({ ok: true, stream: "acme:chat:s5", count: 2 });

    const left = waitFor<PresenceEvent>("v5's leave after the grace period", 10_000, (resolve) => {
      agent.on("presence", (e) => e.member.user === "v5" && e.type === "leave" && resolve(e));
    });
    visitor.disconnect();
    await left;
    expect(await presence(agent, { channel: "chat", topic: "s5" })).toMatchObject({ ok: true, count: 1, members: [{ user: "ana" }] });
  });

  it("unsubscribing leaves the stream's presence (after the grace period)", async () => {
    const watcher = await on("bob", "agent");
    expect(await request(watcher, "subscribe", { channel: "chat", topic: "s6", presence: true })).toMatchObject({ ok: true });
    const other = await on("cy", "agent");
    expect(await request(other, "subscribe", { channel: "chat", topic: "s6", presence: true })).toMatchObject({ ok: true });
    const left = waitFor<PresenceEvent>("cy's leave", 10_000, (resolve) => {
      watcher.on("presence", (e) => e.member.user === "cy" && e.type === "leave" && resolve(e));
    });
    expect(await request(other, "unsubscribe", { channel: "chat", topic: "s6" })).toMatchObject({ ok: true });
    await left;
  });

  it.each([
    ["a visitor, another chat", "visitor", { channel: "chat", topic: "s9" }, "forbidden"],
    ["a visitor, the agents online", "visitor", { channel: "chat" }, "forbidden"],
    ["a visitor, the system stream", "visitor", { channel: "system" }, "forbidden"],
    ["a member, a chat", "member", { channel: "chat", topic: "s5" }, "forbidden"],
    ["an unknown channel", "agent", { channel: "nope" }, "invalid"],
    ["an unknown key", "agent", { channel: "chat", topic: "s5", everyone: true }, "invalid"],
  ] as const)("refuses presence to %s", async (_name, role, target, code) => {
    const socket = await on(`u-${role}`, role, role === "visitor" ? "s5" : undefined);
    expect(await presence(socket, target)).toMatchObject({ ok: false, error: { code } });
    if (code !== "forbidden") return;
    // A subscribe asking for presence there is refused as a whole, even where the subscribe alone is allowed (system).
    expect(await request(socket, "subscribe", { ...target, presence: true })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});
