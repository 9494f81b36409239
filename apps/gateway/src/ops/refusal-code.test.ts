import { refusalCode } from "./refusal-code";

describe("refusalCode", () => {
  it("names our allowRequest refusals by their message", () => {
    expect(refusalCode({ code: 4, context: { message: "draining" } })).toBe("draining");
    expect(refusalCode({ code: 4, context: { message: "origin not allowed" } })).toBe("origin_not_allowed");
    expect(refusalCode({ code: 4, context: { message: "too many connections from this address" } })).toBe("too_many_connections");
  });
  it("names Engine.IO's own errors by code, and anything else `other`", () => {
    expect(refusalCode({ code: 1, context: { sid: "x" } })).toBe("session_id_unknown");
    expect(refusalCode({ code: 0 })).toBe("transport_unknown");
    expect(refusalCode({ code: 4, context: { message: "something new" } })).toBe("forbidden");
    expect(refusalCode({ code: 42 })).toBe("other");
  });
});
