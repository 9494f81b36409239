import { pickAgent, routeNewSession } from "./routing";

describe("pickAgent", () => {
  test("no candidate: nobody (the chat stays waiting)", () => {
    expect(pickAgent([], new Map([["u_a", 0]]))).toBeUndefined();
  });

  test("the candidate with the fewest active chats", () => {
    expect(pickAgent(["u_a", "u_b", "u_c"], new Map([["u_a", 3], ["u_b", 1], ["u_c", 2]]))).toBe("u_b");
  });

  test("a candidate with no active chat counts as zero", () => {
    expect(pickAgent(["u_a", "u_b"], new Map([["u_a", 1]]))).toBe("u_b");
  });

  test("ties go to the smallest id, whatever the order given", () => {
    const counts = new Map([["u_a", 1], ["u_b", 1], ["u_c", 1]]);
    expect(pickAgent(["u_c", "u_b", "u_a"], counts)).toBe("u_a");
    expect(pickAgent(["u_b", "u_c", "u_a"], counts)).toBe("u_a");
  });

  test("agents who are busy but not candidates are never picked", () => {
    expect(pickAgent(["u_b"], new Map([["u_a", 0], ["u_b", 5]]))).toBe("u_b");
  });
});

describe("routeNewSession", () => {
  // A fake of the two reads routing makes inside the start's transaction.
  const fakeTx = () =>
    ({
      user: { findMany: async () => [{ id: "u_a" }, { id: "u_b" }] },
      chatSession: { groupBy: async () => [{ agentId: "u_a", _count: { _all: 2 } }] },
    }) as unknown as Parameters<typeof routeNewSession>[0];

  test("automatic routing picks the available agent with the fewest active chats", async () => {
    await expect(routeNewSession(fakeTx(), "t", "auto", ["u_a", "u_b"])).resolves.toBe("u_b");
  });

  test("manual routing gives nobody the chat, however many agents are available", async () => {
    await expect(routeNewSession(fakeTx(), "t", "manual", ["u_a", "u_b"])).resolves.toBeUndefined();
  });

  test("nobody available: nobody", async () => {
    await expect(routeNewSession(fakeTx(), "t", "auto", [])).resolves.toBeUndefined();
  });
});
