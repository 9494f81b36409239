/**
 * The agent desk in headless Chromium, on two gateway processes (desk-agent-support.ts):
 * the manual-assignment setting, canned replies, and the session list driven by table changes.
 * - The admin (console on node 0) switches routing to manual: with Agent One online (console
 *   on node 1), a new chat waits unassigned; back to automatic, the next chat is Agent One's.
 *   Agents may not change the setting; a bad value is refused.
 * - The admin adds a canned reply in the console: Agent One's console (other node) has it at
 *   once (`canned:updated`), and typing `/ref` in the reply box offers it; clicking it fills
 *   the box, and sending it reaches the visitor. Changed over the API and deleted in the
 *   admin's console, the picker follows. Agents may not write replies; bad input is refused.
 * - A row change made in SQL alone (no chat event written) reaches the console's list
 *   through `changes:chat_sessions`.
 */
import { T, startDeskRig, type DeskRig } from "./desk-agent-support";

jest.setTimeout(60_000);

describe("the desk in Chromium: manual assignment, canned replies and the changes-driven list, on two nodes", () => {
  let rig: DeskRig;
  beforeAll(async () => {
    rig = await startDeskRig();
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it("keeps new chats waiting under manual routing, inserts a canned reply, and follows row changes in the list", async () => {
    const boss = await rig.openConsole("boss", 0);
    const agent = await rig.openConsole("agent1", 1);
    await rig.setStatus(agent, "online");
    await boss.locator("[data-testid=agents-online]", { hasText: "Agent One" }).waitFor({ timeout: T });
    await expect(agent.getByTestId("routing").count()).resolves.toBe(0);

    // Manual: the chat waits though Agent One is online and present.
    await boss.locator("[data-testid=routing][data-routing=auto]").waitFor({ timeout: T });
    await boss.getByTestId("routing").selectOption("manual");
    await boss.locator("[data-testid=routing][data-routing=manual]:enabled").waitFor({ timeout: T });
    await expect(rig.db.prisma.tenant.findUniqueOrThrow({ where: { id: "shop" } })).resolves.toMatchObject({ chatRouting: "manual" });
    const waiting = await rig.openWidget();
    await agent.locator(`[data-testid=session-item][data-session-id=${waiting.sessionId}][data-status=waiting][data-agent='']`).waitFor({ timeout: T });
    expect(await rig.db.prisma.chatSession.findUniqueOrThrow({ where: { id: waiting.sessionId } })).toMatchObject({ status: "waiting", agentId: null });
    // An agent is online, so the visitor is told to wait for one, not to leave a message.
    expect(waiting.agentsAvailable).toBe(true);

    const agentToken = await rig.login("agent1");
    const bossToken = await rig.login("boss");
    await expect(rig.api("/chat/settings", { token: agentToken, method: "PUT", body: { routing: "auto" } })).resolves.toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
    await expect(rig.api("/chat/settings", { token: bossToken, method: "PUT", body: { routing: "round-robin" } })).resolves.toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
    await expect(rig.api("/chat/settings", { token: agentToken, node: 1 })).resolves.toMatchObject({ status: 200, body: { settings: { routing: "manual" } } });

    // Canned reply: created by the admin, live in the agent's console on the other node.
    await expect(rig.api("/chat/canned-replies", { token: agentToken, body: { shortcut: "x", text: "y" } })).resolves.toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
    await expect(rig.api("/chat/canned-replies", { token: bossToken, body: { shortcut: "Bad shortcut!", text: "y" } })).resolves.toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
    const refund = "Your refund is on its way: 3 to 5 working days.";
    await boss.locator("[data-testid=canned-admin] summary").click();
    await boss.getByTestId("canned-admin-shortcut").fill("refund");
    await boss.getByTestId("canned-admin-text").fill(refund);
    await boss.getByTestId("canned-admin-add").click();
    await boss.locator("[data-testid=canned-admin-item][data-shortcut=refund]", { hasText: refund }).waitFor({ timeout: T });
    await expect(rig.api("/chat/canned-replies", { token: bossToken, body: { shortcut: "refund", text: "again" } })).resolves.toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
    const listed = await rig.api("/chat/canned-replies", { token: agentToken, node: 1 });
    expect(listed).toMatchObject({ status: 200, body: { replies: [{ shortcut: "refund", text: refund }] } });
    const id = (listed.body.replies as Array<{ id: string }>)[0]?.id ?? "";

    await agent.locator(`[data-testid=session-item][data-session-id=${waiting.sessionId}]`).click();
    const input = agent.getByTestId("reply-input");
    await input.fill("/ref");
    await agent.locator("[data-testid=canned-item][data-shortcut=refund]", { hasText: refund }).click();
    await expect(input.inputValue()).resolves.toBe(refund);
    await agent.getByTestId("reply-send").click();
    await waiting.page.locator("[data-testid=rc-message]", { hasText: refund }).waitFor({ timeout: T });
    // Replying took the waiting chat.
    await agent.locator(`[data-testid=session-item][data-session-id=${waiting.sessionId}][data-status=active][data-agent=agent1]`).waitFor({ timeout: T });

    // A canned reply changed and deleted: the picker follows.
    await expect(rig.api(`/chat/canned-replies/${id}`, { token: bossToken, method: "PUT", body: { shortcut: "refund", text: "Refund sent." } })).resolves.toMatchObject({ status: 200 });
    await input.fill("/r");
    await agent.locator("[data-testid=canned-item][data-shortcut=refund]", { hasText: "Refund sent." }).waitFor({ timeout: T });
    await input.press("Tab");
    await expect(input.inputValue()).resolves.toBe("Refund sent.");
    await expect(rig.api(`/chat/canned-replies/${id}`, { token: agentToken, method: "DELETE" })).resolves.toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
    await boss.locator("[data-testid=canned-admin-item][data-shortcut=refund]", { hasText: "Refund sent." }).getByTestId("canned-admin-delete").click();
    await boss.locator("[data-testid=canned-admin-item]").waitFor({ state: "detached", timeout: T });
    await expect(rig.api(`/chat/canned-replies/${id}`, { token: bossToken, method: "DELETE" })).resolves.toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    await input.fill("/re");
    await agent.locator("[data-testid=canned-suggestions][hidden]").waitFor({ state: "attached", timeout: T });

    // The list follows the table: a rename in SQL writes no chat event, only the row's change.
    await rig.db.prisma.$executeRaw`UPDATE chat_sessions SET visitor_name = 'Renamed in SQL' WHERE id = ${waiting.sessionId}`;
    await agent.locator(`[data-testid=session-item][data-session-id=${waiting.sessionId}]`, { hasText: "Renamed in SQL" }).waitFor({ timeout: T });
    await boss.locator(`[data-testid=session-item][data-session-id=${waiting.sessionId}]`, { hasText: "Renamed in SQL" }).waitFor({ timeout: T });

    // Automatic again: the next chat is Agent One's.
    await boss.getByTestId("routing").selectOption("auto");
    await boss.locator("[data-testid=routing][data-routing=auto]:enabled").waitFor({ timeout: T });
    const routed = await rig.openWidget();
    await agent.locator(`[data-testid=session-item][data-session-id=${routed.sessionId}][data-status=active][data-agent=agent1]`).waitFor({ timeout: T });
  });
});
