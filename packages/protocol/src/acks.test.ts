import { isRetryable, parseAck, RETRYABLE_CODES } from "./index";

describe("ack schemas", () => {
  it("parses each event's success ack and keeps ok: true", () => {
    expect(parseAck("subscribe", { ok: true, stream: "a:chat", offset: 3, recovered: true, replayed: 0 })).toEqual({ ok: true, stream: "a:chat", offset: 3, recovered: true, replayed: 0 });
    expect(parseAck("presence", { ok: true, stream: "a:chat:s1", count: 1, members: [{ user: "ana", role: "agent", name: "Ana", connections: 2 }] })).toMatchObject({
      ok: true,
      count: 1,
      members: [{ user: "ana", connections: 2 }],
    });
    expect(parseAck("typing", { ok: true, stream: "a:chat:s1" })).toEqual({ ok: true, stream: "a:chat:s1" });
  });

  it("passes a refusal through and turns anything malformed into internal", () => {
    expect(parseAck("publish", { ok: false, error: { code: "forbidden", message: "no" } })).toEqual({ ok: false, error: { code: "forbidden", message: "no" } });
    expect(parseAck("publish", { ok: true, id: "x" })).toMatchObject({ ok: false, error: { code: "internal" } });
    expect(parseAck("presence", { ok: true, stream: "s", count: 1, members: [{ user: "u", role: "boss", connections: 1 }] })).toMatchObject({ ok: false, error: { code: "internal" } });
    expect(parseAck("subscribe", { stream: "a:chat", offset: 3, recovered: true, replayed: 0 })).toMatchObject({ ok: false, error: { code: "internal" } });
    expect(parseAck("unsubscribe", null)).toMatchObject({ ok: false, error: { code: "internal" } });
  });
});

describe("isRetryable", () => {
  it("is true for the temporary codes only", () => {
    expect([...RETRYABLE_CODES].sort()).toEqual(["internal", "rate_limited", "unavailable"]);
    expect(isRetryable("unavailable")).toBe(true);
    expect(isRetryable("forbidden")).toBe(false);
    expect(isRetryable("invalid")).toBe(false);
  });
});
