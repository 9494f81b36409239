import { PRIORITY_DEFAULT } from "@roomcast/protocol";
import { InvalidEventError, prepareEvent, type OutboxEventInput } from "./event-input";
import { partitionKey } from "./stream-hash";

const base: OutboxEventInput = { tenant: "acme", channel: "chat", topic: "s_1", type: "message:new", data: { text: "hi" }, source: "test" };

describe("prepareEvent", () => {
  it("builds the stream with the protocol's naming and serialises data", () => {
    const event = prepareEvent(base);
    expect(event).toEqual({
      tenant: "acme",
      stream: "acme:chat:s_1",
      partitionKey: partitionKey("acme:chat:s_1"),
      channel: "chat",
      topic: "s_1",
      type: "message:new",
      json: '{"text":"hi"}',
      priority: PRIORITY_DEFAULT,
      source: "test",
    });
    expect(prepareEvent({ ...base, topic: undefined, data: null }).stream).toBe("acme:chat");
    expect(prepareEvent({ ...base, data: "x" }).json).toBe('"x"');
  });

  it.each<[string, Record<string, unknown>]>([
    ["a tenant with a separator", { tenant: "acme:other" }],
    ["an empty tenant", { tenant: "" }],
    ["an unknown channel", { channel: "nope" }],
    ["a topic with a separator", { topic: "a:b" }],
    ["a bad type", { type: "has space" }],
    ["a priority out of range", { priority: 10 }],
    ["a fractional priority", { priority: 1.5 }],
    ["an empty source", { source: "" }],
    ["a long source", { source: "s".repeat(129) }],
    ["undefined data", { data: undefined }],
    ["a function as data", { data: () => 1 }],
    ["a BigInt in data", { data: { n: BigInt(1) } }],
    ["a NUL character in data", { data: { text: "a\u0000b" } }],
  ])("refuses %s", (_label, patch) => {
    expect(() => prepareEvent({ ...base, ...patch } as unknown as OutboxEventInput)).toThrow(InvalidEventError);
  });

  it("refuses cyclic data", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => prepareEvent({ ...base, data: cyclic })).toThrow(InvalidEventError);
  });

  it("keeps an escaped backslash followed by u0000 (no NUL character)", () => {
    expect(prepareEvent({ ...base, data: "\\u0000" }).json).toBe('"\\\\u0000"');
  });
});
