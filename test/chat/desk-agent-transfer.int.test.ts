/**
 * The agent desk in headless Chromium, on two gateway processes (desk-agent-support.ts):
 * unread counts with the title alert, and transfer with a note.
 * - Agent One (console on node 0, online) is given a new chat; each visitor message raises
 *   the session's unread count in their list ("1 message", then "3 messages") and the page
 *   title ("(3) Roomcast console"); Agent One's second console on node 1 counts the same.
 *   Opening the session resets both counts and the title (the read marker is stored and
 *   reaches the other console through the outbox).
 * - Agent One transfers the chat to Agent Two (online, console on node 1) with a note:
 *   Agent Two is told ("Chat transferred to you" with the note), their list shows the
 *   session as theirs, and the open session shows the note. The API refuses an unknown
 *   target, a session of someone else and a bad body with stable codes.
 */
import { T, startDeskRig, type DeskRig } from "./desk-agent-support";

jest.setTimeout(60_000);

describe("the desk in Chromium: unread counts and transfer with a note, on two nodes", () => {
  let rig: DeskRig;
  beforeAll(async () => {
    rig = await startDeskRig();
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it("counts unread messages per session with a title alert, and transfers a chat with its note to an agent on the other node", async () => {
    const agent1 = await rig.openConsole("agent1", 0);
    const agent1b = await rig.openConsole("agent1", 1);
    const agent2 = await rig.openConsole("agent2", 1);
    await rig.setStatus(agent1, "online");
    await agent1.locator("[data-testid=agents-online]", { hasText: "Agent One, Agent Two" }).waitFor({ timeout: T });

    const visitor = await rig.openWidget();
    const row = (page: typeof agent1, extra = "") => page.locator(`[data-testid=session-item][data-session-id=${visitor.sessionId}]${extra}`);
    await row(agent1, "[data-agent=agent1][data-unread='0']").waitFor({ timeout: T });
    await expect(agent1.title()).resolves.toBe("Roomcast console");

    const say = async (text: string) => {
      await visitor.page.getByTestId("rc-input").fill(text);
      await visitor.page.getByTestId("rc-send").click();
      await visitor.page.locator("[data-testid=rc-message]", { hasText: text }).waitFor({ timeout: T });
    };
    await say("Hello?");
    await row(agent1, "[data-unread='1']").getByTestId("session-sub").filter({ hasText: /^1 message · agent1$/ }).waitFor({ timeout: T });
    await say("My parcel is late");
    await say("Order 1234");
    await row(agent1, "[data-unread='3']").getByTestId("session-sub").filter({ hasText: /^3 messages · agent1$/ }).waitFor({ timeout: T });
    await expect(row(agent1).getByTestId("session-unread").textContent()).resolves.toBe("3");
    await agent1.waitForFunction(() => document.title === "(3) Roomcast console", undefined, { timeout: T });
    await row(agent1b, "[data-unread='3']").waitFor({ timeout: T });
    await agent1b.waitForFunction(() => document.title === "(3) Roomcast console", undefined, { timeout: T });
    // Agent Two sees the unread count of the session, but it is not theirs: no title alert.
    await row(agent2, "[data-unread='3']").waitFor({ timeout: T });
    await expect(agent2.title()).resolves.toBe("Roomcast console");

    // Opening it reads it: the count and the title reset here and on the other node's console.
    await row(agent1).click();
    await agent1.locator("[data-testid=message]", { hasText: "Order 1234" }).waitFor({ timeout: T });
    await row(agent1, "[data-unread='0']").waitFor({ timeout: T });
    await agent1.waitForFunction(() => document.title === "Roomcast console", undefined, { timeout: T });
    await row(agent1b, "[data-unread='0']").waitFor({ timeout: T });
    await agent1b.waitForFunction(() => document.title === "Roomcast console", undefined, { timeout: T });
    await expect(rig.db.prisma.chatRead.findUnique({ where: { sessionId_userId: { sessionId: visitor.sessionId, userId: "agent1" } } })).resolves.toMatchObject({ messageCount: 3 });
    // A message while the session is open is read at once.
    await say("Are you there?");
    await agent1.locator("[data-testid=message]", { hasText: "Are you there?" }).waitFor({ timeout: T });
    await row(agent1, "[data-unread='0']").getByTestId("session-sub").filter({ hasText: "4 messages" }).waitFor({ timeout: T });
    await expect(agent1.title()).resolves.toBe("Roomcast console");

    // Transfer to Agent Two (online on node 1), with a note.
    const note = "VIP customer, refund already approved";
    await agent1.getByTestId("transfer-agent").selectOption("agent2");
    await agent1.getByTestId("transfer-note").fill(note);
    await agent1.getByTestId("transfer").click();
    await agent2.locator("[data-testid=toast]", { hasText: `Chat transferred to you: ` }).filter({ hasText: `(${visitor.sessionId}) from agent1: ${note}` }).waitFor({ timeout: T });
    await row(agent2, "[data-agent=agent2][data-status=active]").waitFor({ timeout: T });
    await row(agent1, "[data-agent=agent2]").waitFor({ timeout: T });
    await agent1.locator("[data-testid=transfer-item]", { hasText: `Transferred from agent1 to agent2 by agent1: ${note}` }).waitFor({ timeout: T });
    await row(agent2).click();
    await agent2.locator("[data-testid=detail-agent]", { hasText: "assigned to agent2" }).waitFor({ timeout: T });
    await agent2.locator("[data-testid=transfer-item]", { hasText: note }).waitFor({ timeout: T });
    const stored = await rig.db.prisma.chatTransfer.findMany({ where: { sessionId: visitor.sessionId } });
    expect(stored.map((t) => [t.fromAgentId, t.toAgentId, t.byUserId, t.note])).toEqual([["agent1", "agent2", "agent1", note]]);
    // The note stays among staff: not in the visitor's read of its session, not on its session stream.
    const own = await rig.api(`/chat/sessions/${visitor.sessionId}`, { token: visitor.token });
    expect(own.body.ok).toBe(true);
    expect(JSON.stringify(own.body)).not.toContain(note);
    const sessionStream = await rig.db.prisma.outboxEvent.findMany({ where: { stream: `shop:chat:${visitor.sessionId}` } });
    expect(sessionStream.length).toBeGreaterThan(0);
    expect(JSON.stringify(sessionStream.map((e) => e.data))).not.toContain(note);
    const staffStream = await rig.db.prisma.outboxEvent.findMany({ where: { stream: "shop:chat", type: "session:transferred" } });
    expect(staffStream.map((e) => (e.data as { note: string }).note)).toEqual([note]);

    // Refusals, with stable codes; none changes the session.
    const token1 = await rig.login("agent1");
    const token2 = await rig.login("agent2");
    const transfer = (token: string, body: unknown) => rig.api(`/chat/sessions/${visitor.sessionId}/transfer`, { token, body, node: 1 });
    await expect(transfer(token1, { agentId: "agent1", note: "back" })).resolves.toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
    await expect(transfer(token2, { agentId: "nobody" })).resolves.toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    await expect(transfer(token2, { agentId: "agent2" })).resolves.toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
    await expect(transfer(token2, { agentId: "agent1", note: "x".repeat(1001) })).resolves.toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
    await expect(transfer(token2, { agent: "agent1" })).resolves.toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
    await expect(rig.api(`/chat/sessions/s_nope/transfer`, { token: token2, body: { agentId: "agent1" } })).resolves.toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect((await rig.db.prisma.chatSession.findUniqueOrThrow({ where: { id: visitor.sessionId } })).agentId).toBe("agent2");
    expect(await rig.db.prisma.chatTransfer.count()).toBe(1);
  });
});
