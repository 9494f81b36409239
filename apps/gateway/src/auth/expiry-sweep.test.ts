import { createExpirySweep } from "./expiry-sweep";

describe("createExpirySweep", () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(new Date("2026-01-01T00:00:00Z"));
  });
  afterEach(() => jest.useRealTimers());

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it("hands each entry over at its exp, not before, with one timer for all", () => {
    const due: string[] = [];
    const sweep = createExpirySweep<string>({ onDue: (entry) => due.push(entry) });
    const t = nowSeconds();
    sweep.add("a", t + 2);
    sweep.add("b", t + 1);
    sweep.add("c", t + 2);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(999);
    expect(due).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(due).toEqual(["b"]);
    jest.advanceTimersByTime(999);
    expect(due).toEqual(["b"]);
    jest.advanceTimersByTime(1);
    expect(due).toEqual(["b", "a", "c"]);
    expect(sweep.size()).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("hands over at once an entry whose exp has passed", () => {
    const due: string[] = [];
    const sweep = createExpirySweep<string>({ onDue: (entry) => due.push(entry) });
    sweep.add("late", nowSeconds() - 5);
    jest.advanceTimersByTime(0);
    expect(due).toEqual(["late"]);
  });

  it("never hands over a removed entry, and moves an entry that is re-added with a later exp", () => {
    const due: string[] = [];
    const sweep = createExpirySweep<string>({ onDue: (entry) => due.push(entry) });
    const t = nowSeconds();
    sweep.add("gone", t + 1);
    sweep.add("moved", t + 1);
    sweep.remove("gone", t + 1);
    sweep.remove("moved", t + 1);
    sweep.add("moved", t + 3);
    expect(sweep.size()).toBe(1);
    jest.advanceTimersByTime(2000);
    expect(due).toEqual([]);
    jest.advanceTimersByTime(1000);
    expect(due).toEqual(["moved"]);
  });

  it("re-arms for an earlier entry added after a later one", () => {
    const due: string[] = [];
    const sweep = createExpirySweep<string>({ onDue: (entry) => due.push(entry) });
    const t = nowSeconds();
    sweep.add("later", t + 10);
    sweep.add("sooner", t + 1);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(1000);
    expect(due).toEqual(["sooner"]);
    jest.advanceTimersByTime(9000);
    expect(due).toEqual(["sooner", "later"]);
  });

  it("reaches an exp beyond setTimeout's longest delay in steps", () => {
    const due: string[] = [];
    const sweep = createExpirySweep<string>({ onDue: (entry) => due.push(entry) });
    const days = 30;
    sweep.add("far", nowSeconds() + days * 86_400);
    jest.advanceTimersByTime(2_147_483_647);
    expect(due).toEqual([]);
    jest.advanceTimersByTime(days * 86_400_000 - 2_147_483_647);
    expect(due).toEqual(["far"]);
  });

  it("goes on with the next entry when one throws, reporting the error", () => {
    const due: string[] = [];
    const errors: unknown[] = [];
    const sweep = createExpirySweep<string>({
      onDue: (entry) => {
        if (entry === "bad") throw new Error("boom");
        due.push(entry);
      },
      onError: (error, entry) => errors.push([entry, (error as Error).message]),
    });
    const t = nowSeconds();
    sweep.add("bad", t + 1);
    sweep.add("good", t + 1);
    jest.advanceTimersByTime(1000);
    expect(due).toEqual(["good"]);
    expect(errors).toEqual([["bad", "boom"]]);
  });

  it("close() stops the timer and forgets every entry", () => {
    const due: string[] = [];
    const sweep = createExpirySweep<string>({ onDue: (entry) => due.push(entry) });
    sweep.add("a", nowSeconds() + 1);
    sweep.close();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(5000);
    expect(due).toEqual([]);
    expect(sweep.size()).toBe(0);
  });
});
