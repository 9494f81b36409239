/**
 * One publish use case behind both transports (apps/gateway/src/publish): on two gateways
 * with the chat product (PostgreSQL + Redis + relay), the socket `publish` and
 * `POST /api/v1/publish` give the same answers —
 * - a chat `message` on `chat:<session>` is a stored chat message on both (the chat hook);
 * - the chat product's other types are refused `reserved_type`, and no product type can
 *   ride in an HTTP batch, which then writes nothing;
 * - an idempotency key repeated with the same event answers the first commit; reused for
 *   another payload or stream it is refused `idempotency_conflict` and writes nothing.
 * And ending a chat session ends its visitor's token: the widget socket is told and
 * disconnected, the token refused afterwards.
 */
import { CHAT_MESSAGE, CHAT_SESSION_UPDATED, type ChatMessageView, type ChatSessionView, type SystemNotice } from "@roomcast/protocol";
import { connected, connectOutcome, openSocket, request, type TestSocket, waitFor } from "@roomcast/gateway/testing";
import { ACME, startChatStack, type ChatStack } from "./chat-stack";

jest.setTimeout(60_000);

describe("one publish use case, two transports", () => {
  let stack: ChatStack;
  const sockets: TestSocket[] = [];
  const agent = () => stack.token({ sub: "agent1", tenant: "acme", role: "agent" });
  const service = () => stack.token({ sub: "billing", tenant: "acme", role: "service" });

  beforeAll(async () => {
    stack = await startChatStack(2);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await stack?.close();
  });

  const socketOf = async (token: string, node = 0) => {
    const socket = await connected(stack.urls[node]!, token);
    sockets.push(socket);
    return socket;
  };
  const httpPublish = (body: unknown, token = service(), node = 1) => stack.api("/publish", { body, token, node });
  const startVisitor = async (): Promise<{ token: string; session: ChatSessionView }> => {
    const answer = await stack.api("/widget/sessions", { body: { widgetKey: ACME.widgetKey }, origin: ACME.allowedOrigins[0] });
    expect(answer.status).toBe(201);
    return answer.body as unknown as { token: string; session: ChatSessionView };
  };
  const transcript = async (session: string) =>
    ((await stack.api(`/chat/sessions/${session}`, { token: agent() })).body as unknown as { messages: ChatMessageView[] }).messages;
  const streamHead = async (stream: string) =>
    Number((await stack.db.prisma.stream.findUnique({ where: { id: stream } }))?.lastOffset ?? 0);

  it("stores a chat message published on either transport through the chat domain", async () => {
    const { session } = await startVisitor();
    const socket = await socketOf(agent());
    const viaSocket = await request(socket, "publish", { channel: "chat", topic: session.id, type: CHAT_MESSAGE, data: { text: "hello from the socket" } });
    expect(viaSocket).toMatchObject({ ok: true, stream: `acme:chat:${session.id}` });
    const viaHttp = await httpPublish({ channel: "chat", topic: session.id, type: CHAT_MESSAGE, data: { text: "hello over HTTP" } });
    expect(viaHttp.status).toBe(201);
    expect(viaHttp.body).toMatchObject({ ok: true, stream: `acme:chat:${session.id}` });
    const messages = await transcript(session.id);
    expect(messages.map((m) => [m.senderRole, m.text])).toEqual([
      ["agent", "hello from the socket"],
      ["system", "hello over HTTP"],
    ]);
    // Invalid chat data is refused by the domain on both, the same way.
    const bad = { channel: "chat", topic: session.id, type: CHAT_MESSAGE, data: { html: "<b>x</b>" } };
    expect(await request(socket, "publish", bad)).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect((await httpPublish(bad)).body).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(await transcript(session.id)).toHaveLength(2);
  });

  it("refuses the chat product's own types on the generic path with reserved_type, on both transports", async () => {
    const { session } = await startVisitor();
    const stream = `acme:chat:${session.id}`;
    const before = await streamHead(stream);
    const forged = { channel: "chat", topic: session.id, type: CHAT_SESSION_UPDATED, data: { status: "ended" } };
    expect(await request(await socketOf(agent(), 1), "publish", forged)).toMatchObject({ ok: false, error: { code: "reserved_type" } });
    const http = await httpPublish(forged);
    expect(http.status).toBe(403);
    expect(http.body).toMatchObject({ ok: false, error: { code: "reserved_type" } });
    const batch = await httpPublish({
      events: [
        { channel: "chat", topic: session.id, type: "typing", data: {} },
        { channel: "chat", topic: session.id, type: CHAT_MESSAGE, data: { text: "in a batch" } },
      ],
    });
    expect(batch.status).toBe(403);
    expect(batch.body).toMatchObject({ ok: false, error: { code: "reserved_type", message: expect.stringContaining("events.1") } });
    expect(await streamHead(stream)).toBe(before);
    expect(await transcript(session.id)).toHaveLength(0);
  });

  it("answers a repeated key with the first commit and refuses the key reused for another event, over HTTP", async () => {
    const event = { channel: "notifications", topic: "agent1", type: "invoice.paid", data: { amount: 12 }, key: "invoice-0001" };
    const first = await httpPublish(event);
    expect(first.status).toBe(201);
    const again = await httpPublish(event, service(), 0);
    expect(again.body).toEqual(first.body);
    const head = await streamHead("acme:notifications:agent1");
    for (const changed of [{ ...event, data: { amount: 13 } }, { ...event, topic: "agent2" }, { ...event, priority: 9 }]) {
      const refused = await httpPublish(changed);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ ok: false, error: { code: "idempotency_conflict" } });
    }
    expect(await streamHead("acme:notifications:agent1")).toBe(head);
    expect(await streamHead("acme:notifications:agent2")).toBe(0);
    // Another sender's identical key is its own.
    const other = await httpPublish({ ...event, data: { amount: 99 } }, stack.token({ sub: "shop", tenant: "acme", role: "service" }));
    expect(other.status).toBe(201);
  });

  it("refuses a key reused for another event on the socket, for generic events and chat messages alike", async () => {
    const { session } = await startVisitor();
    const socket = await socketOf(agent());
    const typing = { channel: "chat", topic: session.id, type: "typing", data: { on: true }, key: "typing-key-0001" };
    const first = await request(socket, "publish", typing);
    expect(first).toMatchObject({ ok: true });
    expect(await request(socket, "publish", typing)).toEqual(first);
    expect(await request(socket, "publish", { ...typing, data: { on: false } })).toMatchObject({ ok: false, error: { code: "idempotency_conflict" } });

    const message = { channel: "chat", topic: session.id, type: CHAT_MESSAGE, data: { text: "once" }, key: "message-key-0001" };
    const posted = await request(socket, "publish", message);
    expect(posted).toMatchObject({ ok: true });
    expect(await request(socket, "publish", message)).toEqual(posted);
    expect(await request(socket, "publish", { ...message, data: { text: "twice?" } })).toMatchObject({ ok: false, error: { code: "idempotency_conflict" } });
    expect((await transcript(session.id)).map((m) => m.text)).toEqual(["once"]);
  });

  it("ending a chat session ends its visitor's token: the widget socket is told and disconnected, the token refused", async () => {
    const visitor = await startVisitor();
    const socket = await socketOf(visitor.token, 1);
    const ended = waitFor<{ notices: SystemNotice["type"][]; reason: string }>("the visitor socket to be revoked", 5000, (resolve) => {
      const notices: SystemNotice["type"][] = [];
      socket.on("system", (notice) => notices.push(notice.type));
      socket.once("disconnect", (reason) => resolve({ notices, reason }));
    });
    const end = await stack.api(`/chat/sessions/${visitor.session.id}/end`, { token: agent(), body: {} });
    expect(end.status).toBe(200);
    expect(await ended).toEqual({ notices: ["revoked"], reason: "io server disconnect" });
    const retry = openSocket(stack.urls[0]!, visitor.token);
    sockets.push(retry);
    expect(await connectOutcome(retry)).toMatchObject({ connected: false, code: "unauthorized" });
    expect((await stack.api("/widget/session", { token: visitor.token })).status).toBe(401);
  });
});
