/**
 * Visitor context over the HTTP API on two in-process gateways (PostgreSQL + Redis + relay):
 * - a start's page, referrer, locale and pre-chat e-mail are stored and travel in the
 *   session view, to an agent's socket on the other node (`session:updated` on the tenant
 *   stream, through the outbox);
 * - bad context or identity input is `invalid`, naming the field, and writes nothing;
 * - the identity secret is set by a tenant admin (PUT /admin/tenants/:t/identity-secret,
 *   never echoed unless generated); without one an identity is kept unverified, with one a
 *   wrong or missing userHash is `identity_unverified` (the start goes on anonymous;
 *   `POST /widget/identify` changes nothing) and the right one is verified, live on both
 *   nodes;
 * - history (`GET /chat/sessions/:id/visitor`): the same verified user and the same e-mail,
 *   staff only.
 */
import { CHAT_SESSION_UPDATED, type ChatSessionView, type EventEnvelope } from "@roomcast/protocol";
import { createHmac } from "node:crypto";
import { collect, connected, request, until, type TestSocket } from "@roomcast/gateway/testing";
import { ACME, startChatStack, type ChatStack } from "./chat-stack";

jest.setTimeout(60_000);
const SECRET = "acme-identity-secret-0123456789abcdef";
const hash = (subject: string, secret = SECRET) => createHmac("sha256", secret).update(subject).digest("hex");

describe("visitor context API on two gateways", () => {
  let stack: ChatStack;
  let agentSocket: TestSocket;
  let received: EventEnvelope[];
  const origin = ACME.allowedOrigins[0];
  const agent = () => stack.token({ sub: "agent1", tenant: "acme", role: "agent" });
  const admin = () => stack.token({ sub: "boss", tenant: "acme", role: "admin" });

  beforeAll(async () => {
    stack = await startChatStack(2);
    agentSocket = await connected(stack.urls[1] ?? "", agent());
    received = collect(agentSocket);
    expect(await request(agentSocket, "subscribe", { channel: "chat" })).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    agentSocket?.disconnect();
    await stack?.close();
  });

  const start = (body: Record<string, unknown>) => stack.api("/widget/sessions", { body: { widgetKey: ACME.widgetKey, ...body }, origin });
  const sessionOf = (answer: { body: Record<string, unknown> }) => answer.body.session as ChatSessionView;
  /** The last `session:updated` for this session that the agent on node 1 received, once it matches. */
  const liveView = async (id: string, match: (s: ChatSessionView) => boolean): Promise<ChatSessionView> => {
    const find = () => received.map((e) => (e.type === CHAT_SESSION_UPDATED ? (e.data as ChatSessionView) : undefined)).find((s) => s?.id === id && match(s));
    await until(`session:updated of ${id} on node 1`, 10_000, () => find() !== undefined);
    return find() as ChatSessionView;
  };
  const setSecret = (body: unknown, token = admin()) => stack.api("/admin/tenants/acme/identity-secret", { method: "PUT", token, body });

  it("stores page, referrer, locale and pre-chat e-mail, and sends them with the session to the other node", async () => {
    const answer = await start({
      name: "Zoé",
      email: "Zoe@Example.TEST",
      context: { pageUrl: "https://shop.acme.test/cart?step=2", referrer: "https://search.test/?q=acme", locale: "fr-FR" },
    });
    expect(answer.status).toBe(201);
    const expected = { pageUrl: "https://shop.acme.test/cart?step=2", referrer: "https://search.test/?q=acme", locale: "fr-FR", email: "zoe@example.test", userId: null, verified: false };
    expect(sessionOf(answer)).toMatchObject({ visitorName: "Zoé", visitor: expected });
    expect(answer.body.identity).toBeUndefined();
    expect((await liveView(sessionOf(answer).id, () => true)).visitor).toEqual(expected);
    // An empty referrer (none) is stored as none.
    expect(sessionOf(await start({ context: { referrer: "" } })).visitor).toMatchObject({ referrer: null, pageUrl: null, locale: null });
  });

  it.each([
    ["a page URL over 2048 characters", { context: { pageUrl: `https://shop.acme.test/?q=${"x".repeat(2048)}` } }, "context.pageUrl"],
    ["a javascript: referrer", { context: { referrer: "javascript:alert(1)" } }, "context.referrer"],
    ["a malformed locale", { context: { locale: "fr_FR" } }, "context.locale"],
    ["an unknown context key", { context: { userAgent: "x" } }, "context"],
    ["a malformed e-mail", { email: "not-an-email" }, "email"],
    ["an identity with neither userId nor e-mail", { identity: { name: "Ana" } }, "identity"],
    ["a userHash that is not hex SHA-256", { identity: { userId: "u1", userHash: "abc" } }, "identity.userHash"],
  ])("refuses %s with invalid and starts nothing", async (_label, body, field) => {
    const before = await stack.db.prisma.chatSession.count();
    const answer = await start(body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(answer.body.error?.message).toContain(field);
    expect(await stack.db.prisma.chatSession.count()).toBe(before);
  });

  it("without an identity secret keeps an identity unverified", async () => {
    const answer = await start({ identity: { userId: "cust-1", name: "Ana", email: "ana@example.test", userHash: hash("cust-1") } });
    expect(answer.body.identity).toEqual({ ok: true, verified: false });
    expect(sessionOf(answer)).toMatchObject({ visitorName: "Ana", visitor: { userId: "cust-1", email: "ana@example.test", verified: false } });
  });

  it("lets a tenant admin set, generate and clear the identity secret, never echoing a given one", async () => {
    expect((await setSecret({ secret: "short" })).body).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect((await setSecret({ secret: SECRET, generate: true })).body).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect((await setSecret({ secret: SECRET }, agent())).status).toBe(403);
    const generated = await setSecret({ generate: true });
    expect(generated.body).toMatchObject({ ok: true, tenant: "acme", verification: "on", secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect((await stack.db.prisma.tenant.findUniqueOrThrow({ where: { id: "acme" } })).identitySecret).toBe(generated.body.secret);
    expect((await setSecret({ clear: true })).body).toEqual({ ok: true, tenant: "acme", verification: "off" });
    const set = await setSecret({ secret: SECRET });
    expect(set.body).toEqual({ ok: true, tenant: "acme", verification: "on" });
    expect((await stack.db.prisma.tenant.findUniqueOrThrow({ where: { id: "acme" } })).identitySecret).toBe(SECRET);
  });

  it("with a secret: a wrong or missing hash starts anonymous with identity_unverified, the right one verified", async () => {
    for (const identity of [{ userId: "cust-7", name: "Mallory", email: "boss@acme.test", userHash: hash("cust-8") }, { userId: "cust-7", name: "Mallory" }]) {
      const refused = await start({ email: "pre@chat.test", identity });
      expect(refused.status).toBe(201);
      expect(refused.body.identity).toMatchObject({ ok: false, error: { code: "identity_unverified" } });
      const session = sessionOf(refused);
      expect(session.visitorName).toMatch(/^Visitor /);
      expect(session.visitor).toMatchObject({ userId: null, email: "pre@chat.test", verified: false });
    }
    const verified = await start({ identity: { userId: "cust-7", name: "Rita", email: "rita@example.test", userHash: hash("cust-7") } });
    expect(verified.body.identity).toEqual({ ok: true, verified: true });
    expect(sessionOf(verified)).toMatchObject({ visitorName: "Rita", visitor: { userId: "cust-7", email: "rita@example.test", verified: true } });
    // By e-mail when there is no userId.
    const byEmail = await start({ identity: { email: "Rita@Example.test", userHash: hash("Rita@Example.test") } });
    expect(sessionOf(byEmail).visitor).toMatchObject({ userId: null, email: "rita@example.test", verified: true });
  });

  it("identify during a chat: refused changes nothing, verified reaches the other node, history finds the earlier sessions", async () => {
    const earlier = await start({ identity: { userId: "cust-9", name: "Nora", userHash: hash("cust-9") } });
    const sameEmail = await start({ email: "nora@example.test" });
    const chat = await start({ name: "Someone", context: { pageUrl: "https://shop.acme.test/help" } });
    const token = chat.body.token as string;
    const id = sessionOf(chat).id;
    const identify = (body: unknown) => stack.api("/widget/identify", { body, token, origin, node: 1 });

    for (const body of [{ userId: "cust-9", email: "nora@example.test", userHash: hash("cust-10") }, { userId: "cust-9" }]) {
      const refused = await identify(body);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ ok: false, error: { code: "identity_unverified" } });
    }
    expect((await identify({ userHash: hash("x") })).body).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(await stack.db.prisma.chatSession.findUniqueOrThrow({ where: { id } })).toMatchObject({ visitorName: "Someone", visitorUserId: null, visitorEmail: null, identityVerified: false });

    const ok = await identify({ userId: "cust-9", name: "Nora", email: "nora@example.test", userHash: hash("cust-9") });
    expect(ok.body).toMatchObject({ ok: true, verified: true, session: { id, visitorName: "Nora" } });
    const live = await liveView(id, (s) => s.visitor?.verified === true);
    expect(live.visitor).toEqual({ pageUrl: "https://shop.acme.test/help", referrer: null, locale: null, email: "nora@example.test", userId: "cust-9", verified: true });

    const history = await stack.api(`/chat/sessions/${id}/visitor`, { token: agent(), node: 0 });
    expect(history.status).toBe(200);
    expect(history.body.context).toEqual(live.visitor);
    const items = history.body.history as Array<{ id: string; match: string; verified: boolean }>;
    expect(items.map((h) => [h.id, h.match, h.verified])).toEqual([
      [sessionOf(sameEmail).id, "email", false],
      [sessionOf(earlier).id, "user", true],
    ]);

    // Staff only; an unknown session is not_found.
    expect((await stack.api(`/chat/sessions/${id}/visitor`, { token })).status).toBe(403);
    expect((await stack.api(`/chat/sessions/s_nope/visitor`, { token: agent() })).body).toMatchObject({ ok: false, error: { code: "not_found" } });
    // A session without identity or e-mail has no history.
    const lonely = await start({});
    expect((await stack.api(`/chat/sessions/${sessionOf(lonely).id}/visitor`, { token: agent() })).body).toMatchObject({ ok: true, history: [] });
  });
});
