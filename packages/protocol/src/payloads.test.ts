import { PRIORITY_NAMES } from "./channels";
import { publishSchema, subscribeSchema } from "./payloads";

describe("priorities by name", () => {
  it.each(Object.entries(PRIORITY_NAMES))("reads %s as %i in subscribe and publish", (name, value) => {
    expect(subscribeSchema.parse({ channel: "chat", minPriority: name }).minPriority).toBe(value);
    expect(publishSchema.parse({ channel: "chat", type: "t", data: null, priority: name }).priority).toBe(value);
  });

  it("keeps numbers, defaults to normal, and refuses unknown names and out-of-range numbers", () => {
    expect(subscribeSchema.parse({ channel: "chat", minPriority: 3 }).minPriority).toBe(3);
    expect(publishSchema.parse({ channel: "chat", type: "t", data: null }).priority).toBe(PRIORITY_NAMES.normal);
    for (const minPriority of ["urgent", 10, -1, 2.5]) expect(subscribeSchema.safeParse({ channel: "chat", minPriority }).success).toBe(false);
  });
});

describe("source filters", () => {
  it("accepts 1 to 32 sources of 1 to 128 characters", () => {
    expect(subscribeSchema.parse({ channel: "chat", sources: ["billing", "agent:ana"] }).sources).toEqual(["billing", "agent:ana"]);
    expect(subscribeSchema.safeParse({ channel: "chat", sources: [] }).success).toBe(false);
    expect(subscribeSchema.safeParse({ channel: "chat", sources: ["x".repeat(129)] }).success).toBe(false);
    expect(subscribeSchema.safeParse({ channel: "chat", sources: Array.from({ length: 33 }, (_, i) => `s${i}`) }).success).toBe(false);
  });
});
