import { MAX_TRANSFER_NOTE_LENGTH } from "@roomcast/protocol";
import { ChatError } from "./chat-error";
import { normaliseNote, transferDecision } from "./transfer";

const agent = (id: string) => ({ id, role: "agent", disabled: false });

describe("transferDecision", () => {
  const cases: Array<[string, Parameters<typeof transferDecision>[0], string | undefined]> = [
    ["the assignee hands over to another agent", { actor: { role: "agent", sub: "a1" }, session: { status: "active", agentId: "a1" }, target: agent("a2") }, undefined],
    ["an agent may transfer a waiting, unassigned session", { actor: { role: "agent", sub: "a1" }, session: { status: "waiting", agentId: null }, target: agent("a2") }, undefined],
    ["an admin may transfer anyone's session, to an admin too", { actor: { role: "admin", sub: "boss" }, session: { status: "active", agentId: "a1" }, target: { id: "boss", role: "admin", disabled: false } }, undefined],
    ["a service may transfer", { actor: { role: "service", sub: "svc" }, session: { status: "active", agentId: "a1" }, target: agent("a2") }, undefined],
    ["an agent may not transfer another agent's session", { actor: { role: "agent", sub: "a2" }, session: { status: "active", agentId: "a1" }, target: agent("a3") }, "forbidden"],
    ["visitors never transfer", { actor: { role: "visitor", sub: "v" }, session: { status: "active", agentId: "a1" }, target: agent("a2") }, "forbidden"],
    ["members never transfer", { actor: { role: "member", sub: "m" }, session: { status: "active", agentId: "a1" }, target: agent("a2") }, "forbidden"],
    ["an ended session stays where it is", { actor: { role: "admin", sub: "boss" }, session: { status: "ended", agentId: "a1" }, target: agent("a2") }, "invalid"],
    ["an unknown target", { actor: { role: "admin", sub: "boss" }, session: { status: "active", agentId: "a1" }, target: null }, "not_found"],
    ["a disabled target", { actor: { role: "admin", sub: "boss" }, session: { status: "active", agentId: "a1" }, target: { id: "a2", role: "agent", disabled: true } }, "not_found"],
    ["a target who is not console staff", { actor: { role: "admin", sub: "boss" }, session: { status: "active", agentId: "a1" }, target: { id: "m", role: "member", disabled: false } }, "not_found"],
    ["the current assignee", { actor: { role: "agent", sub: "a1" }, session: { status: "active", agentId: "a1" }, target: agent("a1") }, "invalid"],
  ];
  test.each(cases)("%s", (_name, facts, code) => {
    const refusal = transferDecision(facts);
    expect(refusal?.code).toBe(code);
    if (refusal !== undefined) expect(refusal).toBeInstanceOf(ChatError);
  });
});

describe("normaliseNote", () => {
  test("trimmed; empty or missing is no note", () => {
    expect(normaliseNote("  VIP  ")).toBe("VIP");
    expect(normaliseNote("   ")).toBeNull();
    expect(normaliseNote(undefined)).toBeNull();
    expect(normaliseNote(null)).toBeNull();
  });
  test("longer than the limit is refused as invalid", () => {
    expect(normaliseNote("x".repeat(MAX_TRANSFER_NOTE_LENGTH))).toHaveLength(MAX_TRANSFER_NOTE_LENGTH);
    expect(() => normaliseNote("x".repeat(MAX_TRANSFER_NOTE_LENGTH + 1))).toThrow(expect.objectContaining({ code: "invalid" }));
  });
});
