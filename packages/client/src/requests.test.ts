import { presenceSchema, publishSchema, subscribeSchema, typingSchema } from "@roomcast/protocol";
import { checkPresence, checkPublish, checkSubscribe, checkTyping } from "./requests";

/** The hand check and the protocol's schema give the same verdict, and the same value when both accept. */
function agree(checked: { ok: true; value: unknown } | { ok: false; message: string }, schema: { safeParse(raw: unknown): { success: boolean; data?: unknown } }, raw: unknown): void {
  const parsed = schema.safeParse(raw);
  expect({ ok: checked.ok, value: checked.ok ? checked.value : undefined }).toEqual({ ok: parsed.success, value: parsed.success ? parsed.data : undefined });
}

describe("checkSubscribe agrees with subscribeSchema", () => {
  it.each([
    { channel: "chat", topic: "s1" },
    { channel: "chat", topic: "s1", since: 4, presence: true },
    { channel: "notifications", topic: "ana", minPriority: "high" },
    { channel: "notifications", topic: "ana", minPriority: 7 },
    { channel: "analytics", types: ["analytics:tick"], sources: ["analytics"] },
    { channel: "changes", topic: "documents", where: { status: "done" } },
    { channel: "nope" },
    { channel: "chat", topic: "a:b" },
    { channel: "chat", since: -1 },
    { channel: "chat", since: 1.5 },
    { channel: "chat", types: [] },
    { channel: "chat", types: ["bad type!"] },
    { channel: "chat", sources: [""] },
    { channel: "chat", minPriority: 12 },
    { channel: "chat", minPriority: "urgent" },
    { channel: "chat", where: { status: "done" } },
    { channel: "chat", presence: "yes" },
    { channel: "chat", typo: 1 },
  ])("%j", (raw) => {
    agree(checkSubscribe(raw as never), subscribeSchema, raw);
  });
});

describe("checkPublish agrees with publishSchema", () => {
  it.each([
    { channel: "chat", topic: "s1", type: "message", data: { text: "hi" } },
    { channel: "chat", topic: "s1", type: "message", data: [1, "a", null, true], priority: "critical", key: "k".repeat(16) },
    { channel: "documents", topic: "d1", type: "document:status", data: null, priority: 3 },
    { channel: "chat", type: "bad type!", data: 1 },
    { channel: "chat", type: "message" },
    { channel: "chat", type: "message", data: Number.NaN },
    { channel: "chat", type: "message", data: { when: new Date(0) } },
    { channel: "chat", type: "message", data: 1, key: "short" },
    { channel: "chat", type: "message", data: 1, priority: 10 },
    { channel: "chat", type: "message", data: 1, extra: true },
  ])("%j", (raw) => {
    agree(checkPublish(raw as never), publishSchema, raw);
  });
});

describe("checkPresence and checkTyping agree with their schemas", () => {
  it.each([{ channel: "chat", topic: "s1" }, { channel: "chat" }, { channel: "chat", topic: "s 1" }, { channel: "chat", typing: true }])("presence %j", (raw) => {
    agree(checkPresence(raw as never), presenceSchema, raw);
  });
  it.each([{ channel: "chat", topic: "s1" }, { channel: "chat", topic: "s1", typing: false }, { channel: "chat", typing: "no" }, { channel: "x" }, { channel: "chat", who: 1 }])(
    "typing %j",
    (raw) => {
      agree(checkTyping(raw as never), typingSchema, raw);
    },
  );
});
