import type { Principal, Role } from "@roomcast/protocol";
import { authorize, type Action } from "./policy";

const who = (role: Role, extra: Partial<Principal> = {}): Principal => ({ sub: "u1", tenant: "acme", role, ...extra });
const visitor = who("visitor", { sub: "v1", session: "s1" });

describe("policy", () => {
  it.each<[string, Principal, Action, { channel: "chat" | "notifications" | "analytics" | "documents" | "system" | "changes"; topic?: string }, boolean]>([
    ["visitor joins its own session", visitor, "subscribe", { channel: "chat", topic: "s1" }, true],
    ["visitor joins another session", visitor, "subscribe", { channel: "chat", topic: "s2" }, false],
    ["visitor lists sessions", visitor, "subscribe", { channel: "chat" }, false],
    ["visitor writes in its session", visitor, "publish", { channel: "chat", topic: "s1" }, true],
    ["member reads chat", who("member"), "subscribe", { channel: "chat", topic: "s1" }, false],
    ["agent lists sessions", who("agent"), "subscribe", { channel: "chat" }, true],
    ["user reads own notifications", who("member"), "subscribe", { channel: "notifications", topic: "u1" }, true],
    ["user reads another's notifications", who("member"), "subscribe", { channel: "notifications", topic: "u2" }, false],
    ["member reads announcements", who("member"), "subscribe", { channel: "notifications" }, true],
    ["member publishes a notification", who("member"), "publish", { channel: "notifications", topic: "u1" }, false],
    ["service publishes a notification", who("service"), "publish", { channel: "notifications", topic: "u2" }, true],
    ["member reads analytics", who("member"), "subscribe", { channel: "analytics" }, false],
    ["admin reads analytics", who("admin"), "subscribe", { channel: "analytics" }, true],
    ["document stream without topic", who("admin"), "subscribe", { channel: "documents" }, false],
    ["member follows a document", who("member"), "subscribe", { channel: "documents", topic: "d9" }, true],
    ["agent publishes a system notice", who("agent"), "publish", { channel: "system" }, false],
    ["member follows a table's changes", who("member"), "subscribe", { channel: "changes", topic: "documents" }, true],
    ["agent follows a table's changes", who("agent"), "subscribe", { channel: "changes", topic: "documents" }, true],
    ["admin follows a table's changes", who("admin"), "subscribe", { channel: "changes", topic: "documents" }, true],
    ["visitor follows a table's changes", visitor, "subscribe", { channel: "changes", topic: "documents" }, false],
    ["changes without a table", who("admin"), "subscribe", { channel: "changes" }, false],
    ["member follows the chat sessions table", who("member"), "subscribe", { channel: "changes", topic: "chat_sessions" }, false],
    ["agent follows the chat sessions table", who("agent"), "subscribe", { channel: "changes", topic: "chat_sessions" }, true],
    ["service publishes a table change", who("service"), "publish", { channel: "changes", topic: "documents" }, false],
    ["visitor sees presence in its own chat", visitor, "presence", { channel: "chat", topic: "s1" }, true],
    ["visitor sees presence in another chat", visitor, "presence", { channel: "chat", topic: "s2" }, false],
    ["visitor sees the agents online", visitor, "presence", { channel: "chat" }, false],
    ["visitor sees the system stream's presence", visitor, "presence", { channel: "system" }, false],
    ["member sees presence in a chat", who("member"), "presence", { channel: "chat", topic: "s1" }, false],
    ["agent sees the agents online", who("agent"), "presence", { channel: "chat" }, true],
    ["agent sees who is in a chat", who("agent"), "presence", { channel: "chat", topic: "s1" }, true],
    ["member sees who has a document open", who("member"), "presence", { channel: "documents", topic: "d9" }, true],
  ])("%s", (_name, principal, action, target, allowed) => {
    expect(authorize(principal, action, target).allowed).toBe(allowed);
  });
});
