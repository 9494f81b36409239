import { eventTag, parseEventTag, passesFilter } from "./filters";

describe("event tags", () => {
  it("round-trips an event's type, priority and source", () => {
    const facts = { type: "message:new", priority: 7, source: "http:svc|x\"y" };
    expect(parseEventTag(eventTag(facts))).toEqual(facts);
  });

  it("reads nothing from a room that is not a tag, or a malformed one", () => {
    for (const room of ["acme:chat:s1", "\u0001event:", "\u0001event:[1,2,3]", "\u0001event:{", '\u0001event:["a",1]']) {
      expect(parseEventTag(room)).toBeUndefined();
    }
  });

  it("cannot be a stream room (no stream name starts with U+0001)", () => {
    expect(eventTag({ type: "t", priority: 0, source: "s" }).charCodeAt(0)).toBe(1);
  });
});

describe("passesFilter", () => {
  it.each([
    [undefined, "message", 0, true],
    [{}, "message", 0, true],
    [{ minPriority: 3 }, "message", 2, false],
    [{ minPriority: 3 }, "message", 3, true],
    [{ types: ["message"] }, "status", 9, false],
    [{ types: ["message", "status"], minPriority: 7 }, "status", 7, true],
    [{ types: ["message", "status"], minPriority: 7 }, "status", 6, false],
    [{ types: [] }, "other", 5, true],
    [{ sources: ["billing"] }, "message", 5, true],
    [{ sources: ["agent:ana"] }, "message", 5, false],
    [{ sources: ["agent:ana", "billing"], types: ["status"] }, "message", 5, false],
  ])("filter %j, event %s at %i from billing → %s", (filter, type, priority, expected) => {
    expect(passesFilter(filter, { type, priority, source: "billing" })).toBe(expected);
  });
});
