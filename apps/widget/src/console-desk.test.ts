import { consoleTitle, countLabel, countsForMe, matchCanned, sessionChange, sessionFromRow, unreadCount } from "./console-desk";

const row = {
  id: "s_1",
  visitor_id: "v_1",
  visitor_name: "Vera",
  agent_id: null,
  status: "waiting",
  message_count: 2,
  created_at: "2026-12-01T10:28:17.606+00:00",
  updated_at: "2026-12-01T10:28:18.5+00:00",
  first_response_at: null,
  ended_at: null,
};

describe("console desk logic", () => {
  test("counts read in the singular and the plural", () => {
    expect([0, 1, 2].map((n) => countLabel(n, "message"))).toEqual(["0 messages", "1 message", "2 messages"]);
  });

  test("unread is the messages past the read marker, never negative", () => {
    expect(unreadCount(3, undefined)).toBe(3);
    expect(unreadCount(3, 1)).toBe(2);
    expect(unreadCount(3, 5)).toBe(0);
  });

  test("the title alert counts open sessions that are mine or nobody's", () => {
    expect(countsForMe({ status: "active", agentId: "me" }, "me")).toBe(true);
    expect(countsForMe({ status: "waiting", agentId: null }, "me")).toBe(true);
    expect(countsForMe({ status: "active", agentId: "other" }, "me")).toBe(false);
    expect(countsForMe({ status: "ended", agentId: "me" }, "me")).toBe(false);
    expect(consoleTitle(0)).toBe("Roomcast console");
    expect(consoleTitle(3)).toBe("(3) Roomcast console");
  });

  test("canned replies match the shortcut after a leading slash, in order", () => {
    const replies = [{ shortcut: "refund" }, { shortcut: "hello" }, { shortcut: "ref" }];
    expect(matchCanned(replies, "/ref").map((r) => r.shortcut)).toEqual(["ref", "refund"]);
    expect(matchCanned(replies, "/").map((r) => r.shortcut)).toEqual(["hello", "ref", "refund"]);
    expect(matchCanned(replies, "/REF").map((r) => r.shortcut)).toEqual(["ref", "refund"]);
    expect(matchCanned(replies, "ref")).toEqual([]);
    expect(matchCanned(replies, "/ref please")).toEqual([]);
  });

  test("a watched row becomes the list's session view, timestamps as the REST API writes them", () => {
    expect(sessionFromRow(row)).toEqual({
      id: "s_1",
      visitorId: "v_1",
      visitorName: "Vera",
      agentId: null,
      status: "waiting",
      messageCount: 2,
      createdAt: "2026-12-01T10:28:17.606Z",
      updatedAt: "2026-12-01T10:28:18.500Z",
      firstResponseAt: null,
      endedAt: null,
    });
    expect(sessionFromRow({ ...row, status: "lost" })).toBeUndefined();
    expect(sessionFromRow({ ...row, message_count: "2" })).toBeUndefined();
    expect(sessionFromRow({ ...row, updated_at: "yesterday" })).toBeUndefined();
    expect(sessionFromRow(null)).toBeUndefined();
  });

  test("change events: insert and update upsert, delete removes, anything else is ignored", () => {
    expect(sessionChange("insert", { new: row, old: null })).toMatchObject({ kind: "upsert", session: { id: "s_1" } });
    expect(sessionChange("update", { new: { ...row, agent_id: "a1" }, old: row })).toMatchObject({ kind: "upsert", session: { agentId: "a1" } });
    expect(sessionChange("delete", { new: null, old: row })).toEqual({ kind: "delete", id: "s_1" });
    expect(sessionChange("truncate", { new: row })).toEqual({ kind: "ignore" });
    expect(sessionChange("update", { new: { id: 5 } })).toEqual({ kind: "ignore" });
    expect(sessionChange("delete", "nonsense")).toEqual({ kind: "ignore" });
  });
});
