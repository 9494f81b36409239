import { z } from "zod";
import { describeIssues } from "./describe-issues";

const describe_ = (schema: z.ZodType, input: unknown): string => {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error("expected the input to be refused");
  return describeIssues(parsed.error.issues);
};

describe("describeIssues", () => {
  it.each<[string, z.ZodType, unknown, string]>([
    ["an array over its maximum", z.object({ events: z.array(z.unknown()).max(500) }), { events: new Array(501).fill(0) }, "events: at most 500"],
    ["an empty array under its minimum", z.object({ events: z.array(z.unknown()).min(1) }), { events: [] }, "events: at least 1"],
    ["a string over its maximum", z.object({ text: z.string().max(4000) }), { text: "x".repeat(4001) }, "text: at most 4000 characters"],
    ["an empty string", z.object({ name: z.string().min(1) }), { name: "" }, "name: must not be empty"],
    ["a number over its maximum", z.object({ n: z.number().int().max(100) }), { n: 101 }, "n: at most 100"],
    ["an exclusive bound", z.object({ n: z.number().lt(5) }), { n: 5 }, "n: less than 5"],
    ["a missing field", z.object({ name: z.string() }), {}, "name: required"],
    ["a wrong type", z.object({ name: z.string() }), { name: 3 }, "name: must be a string"],
    ["an enum", z.object({ status: z.enum(["online", "away"]) }), { status: "busy" }, "status: must be one of online, away"],
    ["an unknown field", z.object({}).strict(), { extra: 1 }, "unknown field extra"],
    ["a pattern", z.object({ id: z.string().regex(/^[a-z]+$/) }), { id: "A" }, "id: must match /^[a-z]+$/"],
    ["a nested path", z.object({ events: z.array(z.object({ type: z.string().max(3) })) }), { events: [{ type: "long" }] }, "events.0.type: at most 3 characters"],
  ])("names the field and the limit: %s", (_what, schema, input, expected) => {
    expect(describe_(schema, input)).toBe(expected);
  });

  it("keeps a message the schema's author wrote", () => {
    expect(describe_(z.object({ status: z.string().refine((s) => s === "ok", "must be ok") }), { status: "no" })).toBe("status: must be ok");
    expect(describe_(z.object({ name: z.string().min(1, "is blank") }), { name: "" })).toBe("name: is blank");
  });

  it("describes at most three issues", () => {
    const schema = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string() });
    expect(describe_(schema, {})).toBe("a: required; b: required; c: required");
  });
});
