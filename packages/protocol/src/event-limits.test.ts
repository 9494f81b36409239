import { eventDataProblem, jsonTextDepth, MAX_EVENT_DATA_DEPTH, utf8Length } from "./event-limits";

describe("jsonTextDepth", () => {
  it.each([
    ["1", 0],
    ['"[[[{"', 0],
    ["[]", 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['["\\"[", [["]"]]]', 3],
    ['{"a":"\\\\"}', 1],
  ])("measures %s as %i", (text, depth) => {
    expect(jsonTextDepth(text)).toBe(depth);
  });

  it("measures deep nesting without recursion", () => {
    expect(jsonTextDepth("[".repeat(100_000) + "]".repeat(100_000))).toBe(100_000);
  });
});

describe("eventDataProblem", () => {
  it("accepts data within the limits", () => {
    expect(eventDataProblem(JSON.stringify({ text: "héllo", n: [1, 2, 3] }))).toBeUndefined();
  });

  it("refuses data over the byte limit, counting UTF-8 bytes", () => {
    expect(eventDataProblem('"' + "a".repeat(98) + '"', 100)).toBeUndefined();
    expect(eventDataProblem('"' + "a".repeat(99) + '"', 100)?.code).toBe("payload_too_large");
    expect(eventDataProblem('"' + "é".repeat(50) + '"', 100)?.code).toBe("payload_too_large");
  });

  it("refuses data nested deeper than the limit", () => {
    const ok = "[".repeat(MAX_EVENT_DATA_DEPTH) + "]".repeat(MAX_EVENT_DATA_DEPTH);
    const deep = "[".repeat(MAX_EVENT_DATA_DEPTH + 1) + "]".repeat(MAX_EVENT_DATA_DEPTH + 1);
    expect(eventDataProblem(ok)).toBeUndefined();
    expect(eventDataProblem(deep)).toEqual({ code: "invalid", message: expect.stringContaining(`${MAX_EVENT_DATA_DEPTH}`) as unknown });
  });
});

describe("utf8Length", () => {
  it("agrees with Node's Buffer.byteLength", () => {
    for (const text of ["", "abc", "é", "€", "😀", "a😀é€", "\ud800"]) expect(utf8Length(text)).toBe(Buffer.byteLength(text));
  });
});
