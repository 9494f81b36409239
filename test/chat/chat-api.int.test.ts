/**
 * The chat product's API on two in-process gateways (PostgreSQL + Redis + relay).
 *
 * What it proves:
 * - the widget endpoint refuses an unknown widget key (`unauthorized`) and a page origin
 *   outside the tenant's allowedOrigins (`origin_not_allowed`), readable cross-origin, and
 *   writes nothing; a visitor token opens only its own session (HTTP read, post, socket
 *   subscribe and publish of another visitor's session are all refused);
 * - exactly once: a chat message published twice with one idempotency key (socket and
 *   HTTP) is stored once and both answers are the original; the SDK with
 *   `idempotencyKeys` whose transport is cut right after sending still commits once;
 * - the live metrics (last `metrics:updated` on the tenant stream, received by an SDK
 *   subscriber on the other node) equal `GET /chat/metrics` after a scripted sequence, and
 *   the live session list equals `GET /chat/sessions`;
 * - clients cannot publish the chat domain's own event types; notifications reach every
 *   socket of the user on both nodes; document status carries progress; of three analytics
 *   jobs started at once exactly one publishes a round.
 */
import { createAnalyticsJob, seedTenant } from "@roomcast/chat";
import { createClient, type RoomcastClient, type SocketFactory } from "@roomcast/client";
import {
  CHAT_METRICS_UPDATED,
  CHAT_SESSION_UPDATED,
  type ChatMessageView,
  type ChatMetrics,
  type ChatSessionView,
  type EventEnvelope,
} from "@roomcast/protocol";
import { io } from "socket.io-client";
import pino from "pino";
import { collect, connected, connectOutcome, openSocket, request, type TestSocket, until } from "@roomcast/gateway/testing";
import { ACME, startChatStack, type ChatStack } from "./chat-stack";

jest.setTimeout(60_000);

/** Deep equality by value (objects from fetch() come from another realm than the test's). */
function same(a: unknown, b: unknown): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}

describe("chat API on two gateways", () => {
  let stack: ChatStack;
  const sockets: TestSocket[] = [];
  const clients: RoomcastClient[] = [];
  const agent1 = () => stack.token({ sub: "agent1", tenant: "acme", role: "agent" });
  const boss = () => stack.token({ sub: "boss", tenant: "acme", role: "admin" });

  beforeAll(async () => {
    stack = await startChatStack(2);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    for (const client of clients) client.close();
    await stack?.close();
  });

  async function startVisitor(node = 0): Promise<{ token: string; session: ChatSessionView; offset: number }> {
    const answer = await stack.api("/widget/sessions", { body: { widgetKey: ACME.widgetKey }, origin: ACME.allowedOrigins[0], node });
    expect(answer.status).toBe(201);
    return answer.body as unknown as { token: string; session: ChatSessionView; offset: number };
  }

  it("signs a console user in, refuses a wrong password, and limits repeated attempts per account", async () => {
    const login = (email: string, password: string) => stack.api("/auth/login", { body: { tenant: "acme", email, password } });
    const ok = await login("agent2@acme.test", "pw-agent2");
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, user: { id: "agent2", role: "agent" } });
    expect(typeof ok.body.token).toBe("string");
    for (let i = 0; i < 10; i++) {
      expect((await login("boss@acme.test", "wrong")).body).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    }
    const limited = await login("boss@acme.test", "pw-boss");
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ ok: false, error: { code: "rate_limited" } });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another account from the same address is not affected.
    expect((await login("agent1@acme.test", "pw-agent1")).status).toBe(200);
  });

  it("refuses a wrong widget key and a wrong origin with clear, readable errors, writing nothing", async () => {
    const before = await stack.db.prisma.chatSession.count();
    const wrongKey = await stack.api("/widget/sessions", { body: { widgetKey: "nope" }, origin: ACME.allowedOrigins[0] });
    expect([wrongKey.status, wrongKey.body]).toEqual([401, { ok: false, error: { code: "unauthorized", message: "unknown widget key" } }]);
    const wrongOrigin = await stack.api("/widget/sessions", { body: { widgetKey: ACME.widgetKey }, origin: "https://evil.test" });
    expect([wrongOrigin.status, wrongOrigin.body.error?.code]).toEqual([403, "origin_not_allowed"]);
    expect(wrongOrigin.body.error?.message).toContain("https://evil.test");
    // The refusal is readable by the widget on that page (CORS), so it can say why.
    expect(wrongOrigin.headers.get("access-control-allow-origin")).toBe("https://evil.test");
    const bad = await stack.api("/widget/sessions", { body: { widgetKey: ACME.widgetKey, extra: 1 }, origin: ACME.allowedOrigins[0] });
    expect([bad.status, bad.body.error?.code]).toEqual([400, "invalid"]);
    expect(await stack.db.prisma.chatSession.count()).toBe(before);
  });

  it("lets a socket in from its own tenant's site only, with no global origin allowlist", async () => {
    await seedTenant(stack.db, { id: "globex", name: "Globex", widgetKey: "globex-widget-key", allowedOrigins: ["https://globex.test"], users: [] });
    const { token } = await startVisitor();
    const attempt = async (origin: string) => {
      const socket = openSocket(stack.urls[1]!, token, { extraHeaders: { origin } });
      const outcome = await connectOutcome(socket);
      socket.disconnect();
      return outcome;
    };
    expect(await attempt(ACME.allowedOrigins[0]!)).toEqual({ connected: true });
    // Another tenant's site: known, so it gets as far as authentication, then refused.
    expect(await attempt("https://globex.test")).toMatchObject({ connected: false, code: "origin_not_allowed" });
    // A site no tenant lists never gets a session.
    expect((await attempt("https://evil.example")).connected).toBe(false);
  });

  it("a visitor token opens only its own session", async () => {
    const alice = await startVisitor();
    const bob = await startVisitor();
    expect((await stack.api(`/chat/sessions/${alice.session.id}`, { token: alice.token })).status).toBe(200);
    const read = await stack.api(`/chat/sessions/${bob.session.id}`, { token: alice.token });
    expect([read.status, read.body.error?.code]).toEqual([403, "forbidden"]);
    const post = await stack.api(`/chat/sessions/${bob.session.id}/messages`, { token: alice.token, body: { text: "hi bob" } });
    expect([post.status, post.body.error?.code]).toEqual([403, "forbidden"]);
    const end = await stack.api(`/chat/sessions/${bob.session.id}/end`, { token: alice.token, body: {} });
    expect(end.status).toBe(403);
    const list = await stack.api("/chat/sessions", { token: alice.token });
    expect(list.status).toBe(403);

    const socket = await connected(stack.urls[1]!, alice.token);
    sockets.push(socket);
    expect(await request(socket, "subscribe", { channel: "chat", topic: bob.session.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await request(socket, "subscribe", { channel: "chat" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await request(socket, "publish", { channel: "chat", topic: bob.session.id, type: "message", data: { text: "x" } })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(await stack.db.prisma.chatMessage.count({ where: { sessionId: bob.session.id } })).toBe(0);
  });

  it("stores a message published twice with one key once, and answers the original both times", async () => {
    const visitor = await startVisitor();
    const socket = await connected(stack.urls[0]!, visitor.token);
    sockets.push(socket);
    const payload = { channel: "chat", topic: visitor.session.id, type: "message", data: { text: "only once" }, key: "key-0001-abcdef" };
    const first = await request(socket, "publish", payload);
    const second = await request(socket, "publish", payload);
    expect(first).toMatchObject({ ok: true, stream: `acme:chat:${visitor.session.id}` });
    expect(second).toEqual(first);
    const viaHttp = await stack.api(`/chat/sessions/${visitor.session.id}/messages`, { token: visitor.token, body: { text: "http once", key: "key-0002-abcdef" } });
    const viaHttpAgain = await stack.api(`/chat/sessions/${visitor.session.id}/messages`, { token: visitor.token, body: { text: "http once", key: "key-0002-abcdef" } });
    expect([viaHttp.status, viaHttpAgain.status, viaHttpAgain.body.duplicate]).toEqual([201, 200, true]);
    expect(viaHttpAgain.body.message).toEqual(viaHttp.body.message);
    const texts = (await stack.db.prisma.chatMessage.findMany({ where: { sessionId: visitor.session.id } })).map((m) => m.text).sort();
    expect(texts).toEqual(["http once", "only once"]);
    // A generic (non-chat) keyed publish is deduplicated the same way.
    const agentSocket = await connected(stack.urls[1]!, boss());
    sockets.push(agentSocket);
    const notice = { channel: "system", type: "notice", data: { n: 1 }, key: "key-0003-abcdef" };
    const a = await request(agentSocket, "publish", notice);
    expect(await request(agentSocket, "publish", notice)).toEqual(a);
  });

  it("the SDK with idempotency keys commits a message once although its transport dropped before the ack", async () => {
    for (let trial = 0; trial < 5; trial++) {
      const visitor = await startVisitor();
      let raw: ReturnType<typeof io> | undefined;
      const factory: SocketFactory = (url, options) => {
        raw = io(url, { ...options, transports: ["websocket"] });
        return raw;
      };
      const client = createClient({ url: stack.urls[trial % 2]!, token: visitor.token, io: factory, idempotencyKeys: true, socketOptions: { reconnectionDelay: 50, reconnectionDelayMax: 200 } });
      clients.push(client);
      await until("the widget client to be live", 5000, () => client.state === "live");
      const sent = client.publish({ channel: "chat", topic: visitor.session.id, type: "message", data: { text: `trial ${trial}` } });
      // Cut the connection while the publish is in flight: its ack is lost or never sent.
      raw?.io.engine?.close();
      const result = await sent;
      expect(result.ok).toBe(true);
      const rows = await stack.db.prisma.chatMessage.findMany({ where: { sessionId: visitor.session.id } });
      expect(rows.map((r) => r.text)).toEqual([`trial ${trial}`]);
      client.close();
    }
  });

  it("live metrics and session list equal the snapshot endpoints after a scripted sequence", async () => {
    const before = (await stack.api("/chat/metrics", { token: agent1() })).body.metrics as ChatMetrics;
    const overview = await stack.api("/chat/sessions", { token: agent1() });
    const live = new Map<string, ChatSessionView>((overview.body.sessions as ChatSessionView[]).map((s) => [s.id, s]));
    let liveMetrics: ChatMetrics | undefined;
    const console = createClient({ url: stack.urls[1]!, token: agent1() });
    clients.push(console);
    const sub = console.subscribe({ channel: "chat", since: overview.body.offset as number }, (event: EventEnvelope) => {
      if (event.type === CHAT_SESSION_UPDATED) live.set((event.data as ChatSessionView).id, event.data as ChatSessionView);
      if (event.type === CHAT_METRICS_UPDATED) liveMetrics = event.data as ChatMetrics;
    });
    expect(await sub.ready).toMatchObject({ ok: true });

    const visitors = [await startVisitor(0), await startVisitor(1), await startVisitor(0), await startVisitor(1)];
    const [v1, v2, v3, v4] = visitors as [typeof visitors[0], typeof visitors[0], typeof visitors[0], typeof visitors[0]];
    const post = (token: string, session: string, text: string, node = 0) => stack.api(`/chat/sessions/${session}/messages`, { token, body: { text }, node });
    await Promise.all(visitors.map((v, i) => post(v.token, v.session.id, `hello ${i}`, i % 2)));
    expect((await post(agent1(), v1.session.id, "hi, how can I help?", 1)).status).toBe(201);
    expect((await stack.api(`/chat/sessions/${v2.session.id}/assign`, { token: boss(), body: { agentId: "agent2" } })).status).toBe(200);
    expect((await post(stack.token({ sub: "agent2", tenant: "acme", role: "agent" }), v2.session.id, "agent two here")).status).toBe(201);
    await Promise.all([post(v1.token, v1.session.id, "thanks"), post(v2.token, v2.session.id, "ok", 1), post(v3.token, v3.session.id, "anyone?")]);
    expect((await stack.api(`/chat/sessions/${v1.session.id}/end`, { token: agent1(), body: {} })).status).toBe(200);
    expect((await stack.api(`/chat/sessions/${v4.session.id}/end`, { token: v4.token, body: {} })).status).toBe(200);
    // Ending twice changes nothing and publishes nothing (the visitor's token ended with its session).
    expect((await stack.api(`/chat/sessions/${v4.session.id}/end`, { token: agent1(), body: {} })).body.session).toMatchObject({ status: "ended" });

    const snapshot = await stack.api("/chat/metrics", { token: agent1(), node: 1 });
    const expected = snapshot.body.metrics as ChatMetrics;
    expect({
      active: expected.activeSessions - before.activeSessions,
      waiting: expected.waitingSessions - before.waitingSessions,
      ended: expected.endedToday - before.endedToday,
      messages: expected.messagesLastHour - before.messagesLastHour,
    }).toEqual({ active: 1, waiting: 1, ended: 2, messages: 9 });
    expect(expected.avgFirstResponseMs).not.toBeNull();
    await until("the live metrics to equal the snapshot", 10_000, () => same(liveMetrics, expected)).catch((e: unknown) => {
      throw new Error(`${String(e)}: live ${JSON.stringify(liveMetrics)} snapshot ${JSON.stringify(expected)}`);
    });
    const list = await stack.api("/chat/sessions", { token: agent1() });
    const restList = new Map((list.body.sessions as ChatSessionView[]).map((s) => [s.id, s]));
    await until("the live session list to equal the REST list", 10_000, () => same(live, restList)).catch((e: unknown) => {
      const diff = [...restList.values()].filter((s) => !same(s, live.get(s.id)));
      throw new Error(`${String(e)}: ${live.size} live, ${restList.size} listed; differing ${JSON.stringify(diff.map((s) => [s, live.get(s.id)]))}`);
    });
  });

  it("stores each message with its sender's display name, so the transcript names an agent who has left", async () => {
    const visitor = await startVisitor();
    const named = stack.token({ sub: "agent1", tenant: "acme", role: "agent", name: "Agent One" });
    const unnamed = stack.token({ sub: "agent2", tenant: "acme", role: "agent" });
    const first = await stack.api(`/chat/sessions/${visitor.session.id}/messages`, { token: named, body: { text: "Agent One here" } });
    expect(first.body.message).toMatchObject({ senderRole: "agent", senderId: "agent1", senderName: "Agent One" });
    await stack.api(`/chat/sessions/${visitor.session.id}/messages`, { token: unnamed, body: { text: "no name on my token" } });
    // Read back by the visitor on the other node, with no agent present any more.
    const transcript = await stack.api(`/chat/sessions/${visitor.session.id}`, { token: visitor.token, node: 1 });
    expect((transcript.body.messages as ChatMessageView[]).map((m) => [m.text, m.senderName])).toEqual([
      ["Agent One here", "Agent One"],
      ["no name on my token", null],
    ]);
  });

  it("refuses client publishes of the chat domain's event types", async () => {
    const socket = await connected(stack.urls[0]!, agent1());
    sockets.push(socket);
    expect(await request(socket, "publish", { channel: "chat", type: CHAT_METRICS_UPDATED, data: {} })).toMatchObject({ ok: false, error: { code: "reserved_type" } });
    const visitor = await startVisitor();
    expect(await request(socket, "publish", { channel: "chat", topic: visitor.session.id, type: CHAT_SESSION_UPDATED, data: {} })).toMatchObject({
      ok: false,
      error: { code: "reserved_type" },
    });
    // A non-domain type (typing) takes the generic path.
    expect(await request(socket, "publish", { channel: "chat", topic: visitor.session.id, type: "typing", data: {} })).toMatchObject({ ok: true });
  });

  it("a notification reaches every socket of the user on both nodes; a document reports progress", async () => {
    const mine = [await connected(stack.urls[0]!, agent1()), await connected(stack.urls[1]!, agent1())];
    const other = await connected(stack.urls[1]!, stack.token({ sub: "agent2", tenant: "acme", role: "agent" }));
    sockets.push(...mine, other);
    const seen = mine.map(collect);
    const otherSeen = collect(other);
    for (const s of mine) expect(await request(s, "subscribe", { channel: "notifications", topic: "agent1" })).toMatchObject({ ok: true });
    expect(await request(other, "subscribe", { channel: "notifications", topic: "agent1" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const sent = await stack.api("/notifications", { token: boss(), body: { user: "agent1", title: "Heads up", body: "queue is long" } });
    expect(sent.status).toBe(201);
    await until("the notification on both of agent1's sockets", 5000, () => seen.every((events) => events.some((e) => e.type === "notification")));
    expect(otherSeen.filter((e) => e.type === "notification")).toEqual([]);

    const watcher = await connected(stack.urls[1]!, agent1());
    sockets.push(watcher);
    const docEvents = collect(watcher);
    expect(await request(watcher, "subscribe", { channel: "documents", topic: "doc-1" })).toMatchObject({ ok: true });
    for (const [status, progress] of [["queued", 0], ["processing", 40], ["processing", 80], ["done", 100]] as const) {
      const answer = await stack.api("/documents/doc-1", { method: "PUT", token: boss(), body: { name: "report.pdf", status, progress } });
      expect(answer.status).toBe(200);
    }
    await until("four document status events", 5000, () => docEvents.filter((e) => e.type === "document:status").length === 4);
    expect(docEvents.map((e) => (e.data as { progress: number }).progress)).toEqual([0, 40, 80, 100]);
    const refused = await stack.api("/documents/doc-1", { method: "PUT", token: agent1(), body: { status: "done", progress: 100 } });
    expect(refused.status).toBe(403);
  });

  it("of three analytics jobs started at once, exactly one publishes each round", async () => {
    const logger = pino({ level: "silent" });
    const users = () => Promise.resolve(new Map([["acme", 3]]));
    const jobs = ["n1", "n2", "n3"].map((holder) => createAnalyticsJob({ db: stack.db, logger, holder, activeUsers: users }, { intervalMs: 60_000 }));
    const rounds = await Promise.all(jobs.map((job) => job.round()));
    expect(rounds.filter((r) => r.kind === "published")).toHaveLength(1);
    // Within the interval nobody publishes again.
    expect((await Promise.all(jobs.map((job) => job.round()))).every((r) => r.kind === "skipped")).toBe(true);
    const ticks = await stack.db.prisma.outboxEvent.findMany({ where: { stream: "acme:analytics" } });
    expect(ticks).toHaveLength(1);
    expect(ticks[0]?.data).toMatchObject({ activeUsers: 3 });
  });
});
