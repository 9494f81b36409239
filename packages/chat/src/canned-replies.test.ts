import { MAX_CHAT_MESSAGE_LENGTH } from "@roomcast/protocol";
import { parseCannedReply } from "./canned-replies";

describe("parseCannedReply", () => {
  test("the shortcut is trimmed and lower-cased, the text trimmed", () => {
    expect(parseCannedReply({ shortcut: " Refund ", text: "  On its way.  " })).toEqual({ shortcut: "refund", text: "On its way." });
  });
  test.each(["", "has space", "ünïcode", "x".repeat(33), "slash/"])("shortcut %j is refused as invalid", (shortcut) => {
    expect(() => parseCannedReply({ shortcut, text: "hi" })).toThrow(expect.objectContaining({ code: "invalid" }));
  });
  test("text of 1 to the message limit", () => {
    expect(() => parseCannedReply({ shortcut: "a", text: "   " })).toThrow(expect.objectContaining({ code: "invalid" }));
    expect(() => parseCannedReply({ shortcut: "a", text: "x".repeat(MAX_CHAT_MESSAGE_LENGTH + 1) })).toThrow(expect.objectContaining({ code: "invalid" }));
    expect(parseCannedReply({ shortcut: "a_b-1", text: "x".repeat(MAX_CHAT_MESSAGE_LENGTH) }).text).toHaveLength(MAX_CHAT_MESSAGE_LENGTH);
  });
});
