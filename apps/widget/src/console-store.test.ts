import type { ChatSessionView } from "@roomcast/protocol";
import { ConsoleStore } from "./console-store";

const session = (over: Partial<ChatSessionView> = {}): ChatSessionView => ({
  id: "s_1",
  visitorId: "v_1",
  visitorName: "Vera",
  agentId: "me",
  status: "active",
  messageCount: 3,
  createdAt: "2026-12-01T10:00:00.000Z",
  updatedAt: "2026-12-01T10:00:01.000Z",
  firstResponseAt: null,
  endedAt: null,
  ...over,
});

describe("ConsoleStore desk state", () => {
  test("a row change keeps what the watch does not carry, and a delete removes the session", () => {
    const store = new ConsoleStore();
    const withExtra = { ...session(), extra: "kept" } as ChatSessionView;
    store.replaceSessions([withExtra]);
    store.applySessionChange({ kind: "upsert", session: session({ visitorName: "Renamed", updatedAt: "2026-12-01T10:00:02.000Z" }) });
    expect(store.sessions.get("s_1")).toMatchObject({ visitorName: "Renamed", extra: "kept" });
    store.applySessionChange({ kind: "delete", id: "s_1" });
    expect(store.sessions.size).toBe(0);
  });

  test("read markers never move back; the total counts my open sessions and nobody's", () => {
    const store = new ConsoleStore();
    store.replaceSessions([session(), session({ id: "s_2", agentId: null, status: "waiting", messageCount: 2 }), session({ id: "s_3", agentId: "other" }), session({ id: "s_4", status: "ended" })]);
    expect(store.totalUnread("me")).toBe(5);
    store.markRead("s_1", 3);
    store.markRead("s_1", 1);
    expect(store.unread("s_1")).toBe(0);
    expect(store.unread("s_3")).toBe(3);
    expect(store.totalUnread("me")).toBe(2);
  });

  test("transfers are kept per session, once each, in time order", () => {
    const store = new ConsoleStore();
    const t = (id: string, at: string) => ({ id, sessionId: "s_1", fromAgentId: "a", toAgentId: "b", byUserId: "a", note: null, createdAt: at });
    store.addTransfers([t("t_2", "2026-12-01T10:00:02.000Z"), t("t_1", "2026-12-01T10:00:01.000Z")]);
    store.addTransfers([t("t_2", "2026-12-01T10:00:02.000Z")]);
    expect(store.transfersOf("s_1").map((x) => x.id)).toEqual(["t_1", "t_2"]);
    expect(store.transfersOf("s_9")).toEqual([]);
  });

  test("canned replies: replaced by a list, then upserted and deleted by changes", () => {
    const store = new ConsoleStore();
    store.replaceCanned([{ id: "c_1", shortcut: "hi", text: "Hello", updatedAt: "x" }]);
    store.applyCanned({ op: "upsert", reply: { id: "c_1", shortcut: "hi", text: "Hi there", updatedAt: "y" } });
    store.applyCanned({ op: "upsert", reply: { id: "c_2", shortcut: "bye", text: "Bye", updatedAt: "y" } });
    store.applyCanned({ op: "delete", id: "c_2" });
    expect([...store.canned.values()].map((r) => r.text)).toEqual(["Hi there"]);
  });
});
