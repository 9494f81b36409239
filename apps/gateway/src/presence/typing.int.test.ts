/**
 * Typing on two gateways sharing the real Redis: a `typing` notice reaches the stream's
 * subscribers on the other node, not the sender's own sockets, writes nothing to the
 * stream's storage (never the outbox), is refused where the sender may not publish, and
 * is rate-limited per user and stream cluster-wide.
 */
import type { TypingEvent } from "@roomcast/protocol";
import { connected, request, type TestSocket } from "../testing/clients";
import { startCluster, type TestCluster } from "../testing/harness";
import { createMemoryStore, type MemoryStore } from "../testing/memory-store";
import { waitFor } from "../testing/wait";
import { TYPING_POINTS } from "./presence.handlers";

describe("typing across nodes", () => {
  let cluster: TestCluster;
  const stores: MemoryStore[] = [];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, store: () => stores[stores.push(createMemoryStore()) - 1]! });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await cluster.close();
  });
  const on = async (node: number, sub: string, role: "agent" | "visitor" | "member", name?: string) => {
    const socket = await connected(cluster.nodes[node]!.url, cluster.token({ sub, tenant: "acme", role, ...(role === "visitor" ? { session: "s1" } : {}), ...(name === undefined ? {} : { name }) }));
    sockets.push(socket);
    return socket;
  };
  const typingRequest = (socket: TestSocket, payload: unknown) => request(socket, "typing" as "publish", payload);

  it("reaches the other party on the other node, not the sender's other sockets, and stores nothing", async () => {
    const agent = await on(0, "ana", "agent", "Ana");
    const visitor = await on(1, "v1", "visitor", "Vera");
    const visitorTab = await on(0, "v1", "visitor", "Vera");
    for (const socket of [agent, visitor, visitorTab]) expect(await request(socket, "subscribe", { channel: "chat", topic: "s1" })).toMatchObject({ ok: true });
    const ownEcho: TypingEvent[] = [];
    visitorTab.on("typing", (event) => ownEcho.push(event));

    // The sharded adapter subscribes node 0's channel for the room asynchronously: retry until one crosses.
    const seen = waitFor<TypingEvent>("the visitor's typing on node 0", 5000, (resolve) => {
      agent.on("typing", resolve);
      const timer = setInterval(() => void typingRequest(visitor, { channel: "chat", topic: "s1" }), 200);
      void typingRequest(visitor, { channel: "chat", topic: "s1" });
      return () => clearInterval(timer);
    });
    expect(await seen).toEqual({ stream: "acme:chat:s1", user: "v1", role: "visitor", name: "Vera", typing: true });
    // A later notice of the agent's, seen by the visitor's tab, orders after every echo the tab could have had.
    const agentSeen = waitFor<TypingEvent>("the agent's typing on the visitor's tab", 5000, (resolve) => {
      visitorTab.on("typing", (e) => e.user === "ana" && resolve(e));
    });
    expect(await typingRequest(agent, { channel: "chat", topic: "s1", typing: false })).toEqual({ ok: true, stream: "acme:chat:s1" });
    expect(await agentSeen).toMatchObject({ user: "ana", typing: false });
    expect(ownEcho.filter((e) => e.user === "v1")).toEqual([]);
    for (const store of stores) expect(store.events("acme:chat:s1")).toEqual([]);
  });

  it("refuses bad input and a stream the sender may not publish to, changing nothing", async () => {
    const visitor = await on(0, "v2", "visitor");
    expect(await typingRequest(visitor, { channel: "chat", topic: "s9" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await typingRequest(visitor, { channel: "chat", topic: "s1", typing: "yes" })).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(await typingRequest(visitor, { channel: "nope" })).toMatchObject({ ok: false, error: { code: "invalid" } });
  });

  it("rate-limits typing per user and stream across nodes", async () => {
    const a = await on(0, "v3", "visitor");
    const b = await on(1, "v3", "visitor");
    const answers = [];
    for (let i = 0; i < TYPING_POINTS + 2; i++) answers.push(await typingRequest(i % 2 === 0 ? a : b, { channel: "chat", topic: "s1" }));
    expect(answers.filter((r) => r.ok)).toHaveLength(TYPING_POINTS);
    expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: "rate_limited" } });
  });
});
