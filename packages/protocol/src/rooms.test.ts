import { parseStream, streamName } from "./rooms";
import { subscribeSchema } from "./payloads";

describe("stream names", () => {
  it("round-trips valid names", () => {
    for (const ref of [
      { tenant: "acme", channel: "chat" as const, topic: "s_81f2" },
      { tenant: "acme", channel: "analytics" as const },
    ]) {
      expect(parseStream(streamName(ref))).toEqual(ref);
    }
  });

  it.each([
    ["a separator in the topic", { tenant: "acme", channel: "chat" as const, topic: "x:y" }],
    ["a separator in the tenant", { tenant: "acme:chat", channel: "chat" as const }],
    ["an empty topic", { tenant: "acme", channel: "chat" as const, topic: "" }],
    ["a 65-character topic", { tenant: "acme", channel: "chat" as const, topic: "a".repeat(65) }],
    ["a room-filter separator", { tenant: "acme", channel: "chat" as const, topic: "s1|*|0" }],
  ])("refuses %s", (_name, ref) => {
    expect(() => streamName(ref)).toThrow(RangeError);
  });

  it("parses only well-formed names", () => {
    expect(parseStream("acme")).toBeNull();
    expect(parseStream("acme:nope")).toBeNull();
    expect(parseStream("acme:chat:a:b")).toBeNull();
    expect(parseStream("ac me:chat")).toBeNull();
  });
});

describe("subscribe payload", () => {
  it.each([
    ["an unknown key", { channel: "chat", tenant: "other" }],
    ["an array topic", { channel: "chat", topic: ["a"] }],
    ["a negative since", { channel: "chat", since: -1 }],
    ["a fractional since", { channel: "chat", since: 1.5 }],
    ["an unknown channel", { channel: "secrets" }],
    ["a non-object", "acme:chat"],
  ])("refuses %s", (_name, payload) => {
    expect(subscribeSchema.safeParse(payload).success).toBe(false);
  });
});
