import { changeRows, matchesWhere, whereSchema, WHERE_VALUE_MAX_LENGTH } from "./changes";
import { eventTag, parseEventTag, passesFilter } from "./filters";
import { subscribeSchema } from "./payloads";

const change = (next: Record<string, unknown> | null, old: Record<string, unknown> | null) => ({
  channel: "changes" as const,
  type: next === null ? "delete" : old === null ? "insert" : "update",
  priority: 5,
  source: "db:documents",
  data: { new: next, old },
});

describe("where", () => {
  it("accepts 1 to 4 columns of short scalars, on the changes channel only", () => {
    expect(subscribeSchema.parse({ channel: "changes", topic: "documents", where: { status: "done", progress: 3 } }).where).toEqual({ status: "done", progress: 3 });
    for (const where of [{}, { a: 1, b: 2, c: 3, d: 4, e: 5 }, { Status: "x" }, { status: { $ne: 1 } }, { status: "x".repeat(WHERE_VALUE_MAX_LENGTH + 1) }]) {
      expect(whereSchema.safeParse(where).success).toBe(false);
    }
    expect(subscribeSchema.safeParse({ channel: "documents", topic: "d1", where: { status: "done" } }).success).toBe(false);
  });

  it("matches when the new or the old row has every value", () => {
    const rows = changeRows({ new: { id: "d1", status: "done" }, old: { id: "d1", status: "processing" } });
    expect(matchesWhere({ status: "done" }, rows)).toBe(true);
    expect(matchesWhere({ status: "processing" }, rows)).toBe(true);
    expect(matchesWhere({ status: "queued" }, rows)).toBe(false);
    expect(matchesWhere({ id: "d1", status: "done" }, rows)).toBe(true);
    expect(matchesWhere({ id: "d2", status: "done" }, rows)).toBe(false);
    expect(matchesWhere({ missing: null }, rows)).toBe(false);
  });

  it("keeps short scalars only, and no row for the side that does not exist", () => {
    const long = "x".repeat(WHERE_VALUE_MAX_LENGTH + 1);
    expect(changeRows({ new: { a: 1, b: long, c: { d: 1 }, e: null, f: true }, old: null })).toEqual([{ a: 1, e: null, f: true }]);
    expect(changeRows(null)).toEqual([]);
  });
});

describe("changes events in the broadcast tag", () => {
  const event = change({ id: "d1", status: "done" }, { id: "d1", status: "processing" });

  it("carries the rows, so where matches from the tag exactly as from the envelope (replay)", () => {
    const facts = parseEventTag(eventTag(event));
    expect(facts).toEqual({ type: "update", priority: 5, source: "db:documents", rows: changeRows(event.data) });
    for (const where of [{ status: "done" }, { status: "queued" }, { id: "d1" }] as Array<Record<string, string>>) {
      expect(passesFilter({ where }, facts!)).toBe(passesFilter({ where }, event));
    }
    expect(passesFilter({ where: { status: "queued" } }, facts!)).toBe(false);
  });

  it("leaves other channels' tags as they were", () => {
    expect(parseEventTag(eventTag({ channel: "chat", type: "t", priority: 1, source: "s", data: { new: {} } }))).toEqual({ type: "t", priority: 1, source: "s" });
  });
});
