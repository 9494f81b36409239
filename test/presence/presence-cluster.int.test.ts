/**
 * Presence across nodes, on the real Redis: two gateways in this process and one gateway
 * process (apps/gateway/src/main.ts on PostgreSQL and Redis) share one key prefix.
 * Members on every node; each join and leave is seen on every node; a page reload within
 * the grace period is not a leave; a SIGKILLed node's members leave within 10 s.
 */
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { connected, request, startCluster, TEST_REDIS_URL, TEST_SECRET, waitFor, type TestCluster, type TestSocket } from "@roomcast/gateway/testing";
import { presenceRoom, type PresenceEvent } from "@roomcast/protocol";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process";

const STREAM = "acme:chat:s1";
const CHAT = { channel: "chat", topic: "s1", presence: true } as const;

/** Every presence event a socket receives, and a wait for the next one that matches. */
function presenceLog(socket: TestSocket) {
  const events: PresenceEvent[] = [];
  socket.on("presence", (event) => events.push(event));
  const next = (what: string, match: (e: PresenceEvent) => boolean, timeoutMs = 5000) =>
    waitFor<PresenceEvent>(what, timeoutMs, (resolve) => {
      const found = events.find(match);
      if (found !== undefined) return resolve(found);
      const listener = (event: PresenceEvent) => match(event) && resolve(event);
      socket.on("presence", listener);
      return () => socket.off("presence", listener);
    });
  return { events, next };
}
const is = (type: "join" | "leave", user: string) => (e: PresenceEvent) => e.type === type && e.member.user === user && e.stream === STREAM;

describe("presence across nodes", () => {
  let cluster: TestCluster;
  let database: TestDatabase;
  let child: GatewayProcess | undefined;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2 });
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await child?.stop("SIGKILL");
    await cluster.close();
    await database.drop();
  });

  const on = async (url: string, sub: string, role: "agent" | "visitor", name?: string) => {
    const socket = await connected(url, cluster.token({ sub, tenant: "acme", role, ...(role === "visitor" ? { session: "s1" } : {}), ...(name === undefined ? {} : { name }) }));
    sockets.push(socket);
    return socket;
  };
  /** A watcher's node subscribes the presence room's Redis channel after the socket joins it: wait until a probe crosses. */
  const crossed = async (watcher: TestSocket, from: number) => {
    const probe = { stream: STREAM, type: "join" as const, member: { user: `probe-${from}`, role: "agent" as const, connections: 1 } };
    await waitFor<void>(`a probe from node ${from} to reach the watcher`, 5000, (resolve) => {
      const listener = (e: PresenceEvent) => e.member.user === probe.member.user && resolve();
      watcher.on("presence", listener);
      const timer = setInterval(() => cluster.nodes[from]!.gateway.io.to(presenceRoom(STREAM)).emit("presence", probe), 50);
      return () => {
        clearInterval(timer);
        watcher.off("presence", listener);
      };
    });
  };

  it("sees each join and leave on every node, one member per user, with names and connections", async () => {
    const ana = await on(cluster.nodes[0]!.url, "ana", "agent", "Ana");
    const anaLog = presenceLog(ana);
    expect(await request(ana, "subscribe", CHAT)).toMatchObject({ ok: true, stream: STREAM });
    await crossed(ana, 1);

    const visitor = await on(cluster.nodes[1]!.url, "v1", "visitor", "Vera");
    const visitorLog = presenceLog(visitor);
    expect(await request(visitor, "subscribe", CHAT)).toMatchObject({ ok: true });
    await crossed(visitor, 0);
    expect(await anaLog.next("v1's join on node 0", is("join", "v1"))).toMatchObject({ member: { user: "v1", role: "visitor", name: "Vera", connections: 1 } });

    // Ana's second tab, on the other node: the same member, two connections, no second join.
    const anaTab = await on(cluster.nodes[1]!.url, "ana", "agent", "Ana");
    expect(await request(anaTab, "subscribe", CHAT)).toMatchObject({ ok: true });
    const listed = await request(visitor, "presence" as "subscribe", { channel: "chat", topic: "s1" });
    expect(listed).toMatchObject({ ok: true, stream: STREAM, count: 2 });
    expect((listed as unknown as { members: unknown[] }).members).toEqual([
      { user: "ana", role: "agent", name: "Ana", connections: 2 },
      { user: "v1", role: "visitor", name: "Vera", connections: 1 },
    ]);

    // Ana closes one tab: still present. The visitor leaves: both of Ana's sockets see it.
    ana.disconnect();
    const anaTabLog = presenceLog(anaTab);
    visitor.disconnect();
    await anaTabLog.next("v1's leave on node 1", is("leave", "v1"));
    expect(visitorLog.events.filter(is("leave", "ana"))).toEqual([]);
    // Ana saw her own join (her socket was in the room first) and nothing more of herself.
    expect(anaLog.events.filter((e) => e.member.user === "ana").map((e) => e.type)).toEqual(["join"]);
  });

  it("does not count a reload within the grace period as a leave", async () => {
    const watcher = await on(cluster.nodes[0]!.url, "watcher", "agent");
    const log = presenceLog(watcher);
    expect(await request(watcher, "subscribe", CHAT)).toMatchObject({ ok: true });
    await crossed(watcher, 1);
    const first = await on(cluster.nodes[1]!.url, "v2", "visitor");
    expect(await request(first, "subscribe", CHAT)).toMatchObject({ ok: true });
    const other = await on(cluster.nodes[1]!.url, "v3", "visitor");
    expect(await request(other, "subscribe", CHAT)).toMatchObject({ ok: true });
    await log.next("v2's join", is("join", "v2"));
    await log.next("v3's join", is("join", "v3"));

    // The reload: the page's socket closes and the new page's socket subscribes again.
    first.disconnect();
    const reloaded = await on(cluster.nodes[0]!.url, "v2", "visitor");
    expect(await request(reloaded, "subscribe", CHAT)).toMatchObject({ ok: true });
    // v3 leaves after v2's grace period started; its leave comes after any leave of v2 would have.
    other.disconnect();
    await log.next("v3's leave", is("leave", "v3"));
    expect(log.events.filter((e) => e.member.user === "v2").map((e) => e.type)).toEqual(["join"]);
  });

  it("drops the members of a SIGKILLed gateway within 10 s", async () => {
    const proc = await startGatewayProcess({
      ROOMCAST_JWT_SECRET: TEST_SECRET,
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      ROOMCAST_REDIS_PREFIX: cluster.prefix,
      NODE_ID: "doomed",
      ROOMCAST_ADMIN_UI: "off",
      ROOMCAST_DEMO_SEED: "off",
    });
    child = proc;
    const watcher = await on(cluster.nodes[0]!.url, "watcher2", "agent");
    const log = presenceLog(watcher);
    expect(await request(watcher, "subscribe", CHAT)).toMatchObject({ ok: true });
    const doomed = await on(proc.url, "v4", "visitor");
    doomed.io.reconnection(false);
    expect(await request(doomed, "subscribe", CHAT)).toMatchObject({ ok: true });
    await log.next("v4's join from the gateway process", is("join", "v4"));

    const killedAt = Date.now();
    await proc.stop("SIGKILL");
    child = undefined;
    await log.next("v4's leave after its node died", is("leave", "v4"), 10_000);
    process.stdout.write(`presence: a SIGKILLed gateway's member left ${Date.now() - killedAt} ms after the kill\n`);
    const listed = await request(watcher, "presence" as "subscribe", { channel: "chat", topic: "s1" });
    expect((listed as unknown as { members: Array<{ user: string }> }).members.map((m) => m.user)).not.toContain("v4");
  });
});
