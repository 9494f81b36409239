import { createTenantLimits, type QuotaOverrides } from "./tenant-limits";

const defaults = { maxConnections: 100, eventsPerSecond: 50, socketEvents: 10 };

describe("tenant limits", () => {
  it("overrides the defaults with the columns a tenant sets, per tenant", async () => {
    const rows: Record<string, QuotaOverrides> = { big: { maxConnections: 5000, eventsPerSecond: null, socketEvents: 40 } };
    const limits = createTenantLimits({ defaults, load: async (tenant) => rows[tenant] ?? {} });
    expect(await limits.of("big")).toEqual({ maxConnections: 5000, eventsPerSecond: 50, socketEvents: 40 });
    expect(await limits.of("small")).toEqual(defaults);
  });

  it("reads a tenant at most once per ttl, answering from the cache meanwhile", async () => {
    let now = 0;
    let value = 7;
    const load = jest.fn(async () => ({ eventsPerSecond: value }));
    const limits = createTenantLimits({ defaults, load, ttlMs: 1000, now: () => now });
    expect((await limits.of("t")).eventsPerSecond).toBe(7);
    value = 8;
    now = 999;
    expect((await limits.of("t")).eventsPerSecond).toBe(7);
    expect(load).toHaveBeenCalledTimes(1);
    now = 1000;
    // Stale: answered at once with the old value while the row is read again.
    expect((await limits.of("t")).eventsPerSecond).toBe(7);
    await Promise.resolve();
    expect((await limits.of("t")).eventsPerSecond).toBe(8);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("keeps the last known limits, or the defaults, when the database fails or does not answer in time", async () => {
    jest.useFakeTimers();
    try {
      let now = 0;
      let mode: "ok" | "fail" | "hang" = "ok";
      const load = (): Promise<QuotaOverrides> =>
        mode === "ok" ? Promise.resolve({ maxConnections: 3 }) : mode === "fail" ? Promise.reject(new Error("down")) : new Promise<QuotaOverrides>(() => undefined);
      const limits = createTenantLimits({ defaults, load, ttlMs: 10, timeoutMs: 500, now: () => now });
      mode = "hang";
      const first = limits.of("t");
      await jest.advanceTimersByTimeAsync(500);
      expect(await first).toEqual(defaults);
      mode = "ok";
      expect((await limits.of("t")).maxConnections).toBe(3);
      mode = "fail";
      now = 100;
      expect((await limits.of("t")).maxConnections).toBe(3);
      await jest.advanceTimersByTimeAsync(0);
      expect((await limits.of("t")).maxConnections).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
