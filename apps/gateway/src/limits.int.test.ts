/**
 * Refusals at the edge: bad tokens before any join, the payload limit, the event rate
 * limit and the Origin allowlist on both transports — against a real two-node cluster.
 */
import jwt from "jsonwebtoken";
import { connectOutcome, connected, openSocket, request } from "./testing/clients";
import { startCluster, TEST_SECRET, type TestCluster } from "./testing/harness";
import { until, waitFor } from "./testing/wait";

describe("edge limits", () => {
  let cluster: TestCluster;
  let url: string;

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 2,
      env: {
        ROOMCAST_RATE_LIMIT_EVENTS: "10",
        ROOMCAST_RATE_LIMIT_WINDOW_SECONDS: "60",
        ROOMCAST_ALLOWED_ORIGINS: "https://shop.example",
        ROOMCAST_MAX_CONNECTIONS_PER_IP: "4",
      },
    });
    url = cluster.nodes[0]!.url;
  });
  afterAll(() => cluster.close());

  const now = () => Math.floor(Date.now() / 1000);
  const claims = { sub: "alice", tid: "acme", role: "agent" };
  const unsigned = (payload: object) =>
    `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.`;

  it.each([
    ["no token", undefined],
    ["an expired token", jwt.sign({ ...claims, exp: now() - 60 }, TEST_SECRET, { algorithm: "HS256" })],
    ["a token signed with another secret", jwt.sign({ ...claims, exp: now() + 60 }, "another-secret-another-secret-1234", { algorithm: "HS256" })],
    ["an alg:none token", unsigned({ ...claims, exp: now() + 60 })],
    ["a token without a tenant", jwt.sign({ sub: "alice", role: "agent", exp: now() + 60 }, TEST_SECRET, { algorithm: "HS256" })],
    ["a visitor token without a session", jwt.sign({ ...claims, role: "visitor", exp: now() + 60 }, TEST_SECRET, { algorithm: "HS256" })],
    ["a forged tenant id", jwt.sign({ ...claims, tid: "acme:chat", exp: now() + 60 }, TEST_SECRET, { algorithm: "HS256" })],
    ["garbage", "not-a-jwt"],
  ])("refuses %s with connect_error unauthorized before any join", async (_name, token) => {
    const io = cluster.nodes[0]!.gateway.io;
    const roomsBefore = io.of("/").adapter.rooms.size;
    const socket = openSocket(url, token);
    const outcome = await connectOutcome(socket);
    socket.disconnect();
    expect(outcome).toMatchObject({ connected: false, code: "unauthorized" });
    expect(io.of("/").adapter.rooms.size).toBe(roomsBefore);
  });

  it("never takes the token from the query string", async () => {
    const token = cluster.token({ sub: "alice", tenant: "acme", role: "agent" });
    const socket = openSocket(url, undefined, { query: { token } });
    const outcome = await connectOutcome(socket);
    socket.disconnect();
    expect(outcome).toMatchObject({ connected: false, code: "unauthorized" });
  });

  it("accepts a server-side client's Bearer header", async () => {
    const token = cluster.token({ sub: "svc", tenant: "acme", role: "service" });
    const socket = openSocket(url, undefined, { extraHeaders: { authorization: `Bearer ${token}` } });
    const outcome = await connectOutcome(socket);
    socket.disconnect();
    expect(outcome).toEqual({ connected: true });
  });

  it("closes only the connection that sends a payload over the limit", async () => {
    const token = cluster.token({ sub: "alice", tenant: "acme", role: "admin" });
    const offender = await connected(url, token);
    const bystander = await connected(url, token);
    const closed = waitFor<string>("the offender to be disconnected", 5000, (resolve) => {
      offender.once("disconnect", resolve);
    });
    offender.emit("publish", { channel: "system", type: "big", data: "x".repeat(70 * 1024) }, () => undefined);
    expect(await closed).toBe("transport close");
    expect(bystander.connected).toBe(true);
    expect(await request(bystander, "subscribe", { channel: "system" })).toMatchObject({ ok: true });
    bystander.disconnect();
  });

  it("answers rate_limited to a socket that floods, and only to it", async () => {
    const token = cluster.token({ sub: "flood", tenant: "acme", role: "agent" });
    const flooder = await connected(url, token);
    const calm = await connected(cluster.nodes[1]!.url, token);
    const results = await Promise.all(Array.from({ length: 30 }, () => request(flooder, "subscribe", { channel: "chat" })));
    const limited = results.filter((r) => !r.ok && r.error.code === "rate_limited").length;
    expect(results.filter((r) => r.ok).length).toBe(10);
    expect(limited).toBe(20);
    expect(await request(calm, "subscribe", { channel: "chat" })).toMatchObject({ ok: true });
    flooder.disconnect();
    calm.disconnect();
  });

  it("caps open connections per client address, and frees a slot when one closes", async () => {
    const node = cluster.nodes[1]!;
    const nodeUrl = node.url;
    await until("earlier tests' connections to node 1 to close", 5000, () => node.gateway.io.engine.clientsCount === 0);
    const token = cluster.token({ sub: "many", tenant: "acme", role: "agent" });
    const open = [];
    for (let i = 0; i < 4; i++) open.push(await connected(nodeUrl, token));
    const fifth = openSocket(nodeUrl, token);
    const refused = await connectOutcome(fifth);
    fifth.disconnect();
    expect(refused.connected).toBe(false);
    open[0]!.disconnect();
    await until("the gateway to count the closed connection", 5000, () => node.gateway.io.engine.clientsCount === 3);
    const sixth = openSocket(nodeUrl, token);
    expect(await connectOutcome(sixth)).toEqual({ connected: true });
    for (const socket of [...open.slice(1), sixth]) socket.disconnect();
  });

  describe.each(["websocket", "polling"])("over %s", (transport) => {
    const options = (origin: string) => ({ transports: [transport as "websocket" | "polling"], extraHeaders: { origin } });
    const token = () => cluster.token({ sub: "alice", tenant: "acme", role: "agent" });

    it("refuses a disallowed Origin", async () => {
      const socket = openSocket(url, token(), options("https://evil.example"));
      const outcome = await connectOutcome(socket);
      socket.disconnect();
      expect(outcome.connected).toBe(false);
    });

    it("accepts an allowed Origin", async () => {
      const socket = openSocket(url, token(), options("https://shop.example"));
      const outcome = await connectOutcome(socket);
      socket.disconnect();
      expect(outcome).toEqual({ connected: true });
    });
  });
});
