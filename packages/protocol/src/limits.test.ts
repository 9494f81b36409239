import { MAX_DEPTH, MAX_ELEMENTS, measure } from "./limits";

const nested = (depth: number): unknown => {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe("measure", () => {
  it.each([
    [1, { depth: 0, elements: 0 }],
    ["text", { depth: 0, elements: 0 }],
    [null, { depth: 0, elements: 0 }],
    [[], { depth: 1, elements: 0 }],
    [[1, 2, 3], { depth: 1, elements: 3 }],
    [{ a: [1, { b: [] }] }, { depth: 4, elements: 4 }],
    [["publish", { channel: "chat", data: { text: "hi" } }], { depth: 3, elements: 5 }],
  ])("measures %j", (value, expected) => {
    expect(measure(value)).toEqual({ ok: true, ...expected });
  });

  it("accepts exactly the limits", () => {
    expect(measure(nested(MAX_DEPTH))).toMatchObject({ ok: true, depth: MAX_DEPTH });
    expect(measure(new Array<number>(MAX_ELEMENTS).fill(0))).toMatchObject({ ok: true, elements: MAX_ELEMENTS });
  });

  it("refuses one level or one element more", () => {
    expect(measure(nested(MAX_DEPTH + 1))).toEqual({ ok: false, exceeded: "depth", message: `nested deeper than ${MAX_DEPTH} levels` });
    expect(measure(new Array<number>(MAX_ELEMENTS + 1).fill(0))).toEqual({ ok: false, exceeded: "elements", message: `more than ${MAX_ELEMENTS} elements` });
    const wide: Record<string, number> = {};
    for (let i = 0; i <= MAX_ELEMENTS; i++) wide[`k${i}`] = i;
    expect(measure(wide)).toMatchObject({ ok: false, exceeded: "elements" });
  });

  it("walks 100,000 levels without recursing (stops at the limit)", () => {
    // Built without recursion; JSON.stringify of this would throw RangeError.
    expect(measure(nested(100_000))).toMatchObject({ ok: false, exceeded: "depth" });
    expect(measure(JSON.parse("[".repeat(100_000) + "]".repeat(100_000)))).toMatchObject({ ok: false, exceeded: "depth" });
  });

  it("counts elements across levels and ends on a cycle", () => {
    expect(measure([[1, 2], [3, [4]]])).toEqual({ ok: true, depth: 3, elements: 7 });
    const cyclic: unknown[] = [];
    cyclic.push(cyclic, cyclic);
    expect(measure(cyclic, { maxDepth: 10_000, maxElements: 1000 })).toMatchObject({ ok: false, exceeded: "elements" });
  });

  it("treats binary values as leaves and skips inherited keys", () => {
    expect(measure([Buffer.alloc(1_000_000), new Uint8Array(10), new ArrayBuffer(8)])).toEqual({ ok: true, depth: 1, elements: 3 });
    const child = Object.create({ inherited: [1, 2, 3] }) as Record<string, unknown>;
    child.own = 1;
    expect(measure(child)).toEqual({ ok: true, depth: 1, elements: 1 });
  });

  it("honours custom bounds", () => {
    expect(measure([[1]], { maxDepth: 1, maxElements: 100 })).toMatchObject({ ok: false, exceeded: "depth" });
    expect(measure([1, 2], { maxDepth: 5, maxElements: 1 })).toMatchObject({ ok: false, exceeded: "elements" });
    expect(measure([], { maxDepth: 0, maxElements: 1 })).toMatchObject({ ok: false, exceeded: "depth" });
  });
});
