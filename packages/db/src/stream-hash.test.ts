import { partitionKey, partitionOf } from "./stream-hash";

describe("partitionKey", () => {
  it("is FNV-1a over UTF-8 with the top bit cleared, so it never changes", () => {
    // Reference values: FNV-1a 32-bit of "" is 0x811c9dc5, of "a" is 0xe40c292c.
    expect(partitionKey("")).toBe(0x811c9dc5 & 0x7fffffff);
    expect(partitionKey("a")).toBe(0xe40c292c & 0x7fffffff);
    expect(partitionKey("acme:chat:s_81f2")).toBe(partitionKey("acme:chat:s_81f2"));
  });

  it("fits a PostgreSQL integer and hashes bytes, not UTF-16 units", () => {
    for (const name of ["acme:chat", "acme:notifications:u_42", "é", "x".repeat(200)]) {
      const key = partitionKey(name);
      expect(Number.isInteger(key)).toBe(true);
      expect(key).toBeGreaterThanOrEqual(0);
      expect(key).toBeLessThanOrEqual(0x7fffffff);
    }
    expect(partitionKey("é")).not.toBe(partitionKey("\u00e9".normalize("NFD")));
  });

  it("spreads streams over partitions", () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i += 1) {
      const p = partitionOf(`t${i % 7}:chat:s_${i}`, 8);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it("refuses a partition count that is not a positive integer", () => {
    expect(() => partitionOf("a:chat", 0)).toThrow(RangeError);
    expect(() => partitionOf("a:chat", 1.5)).toThrow(RangeError);
    expect(partitionOf("a:chat", 1)).toBe(0);
  });
});
