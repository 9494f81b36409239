import pino from "pino";
import { createRedisHealth } from "./redis-health";

function recordingLogger() {
  const lines: Array<{ level: number; msg: string; unreachable?: string; downForMs?: number }> = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) });
  return { logger, lines, messages: () => lines.map((l) => l.msg) };
}

describe("createRedisHealth", () => {
  afterEach(() => jest.useRealTimers());

  it("logs the outage once and the recovery once, and tells listeners with the outage's length", async () => {
    const { logger, messages, lines } = recordingLogger();
    let answer: () => Promise<void> = async () => undefined;
    let clock = 0;
    const health = createRedisHealth({ probe: () => answer(), logger, now: () => clock });
    const recoveries: number[] = [];
    health.onRecovered((ms) => recoveries.push(ms));

    expect(await health.check()).toEqual({ up: true, reason: undefined });
    answer = () => Promise.reject(new Error("redis 127.0.0.1:1 (cmd): Command timed out"));
    clock = 1000;
    expect(await health.check()).toEqual({ up: false, reason: "redis 127.0.0.1:1 (cmd): Command timed out" });
    clock = 2000;
    await health.check();
    await health.check();
    answer = async () => undefined;
    clock = 4500;
    expect(await health.check()).toEqual({ up: true, reason: undefined });
    await health.check();

    expect(messages()).toEqual(["redis unreachable", "redis reachable again"]);
    expect(lines[0]).toMatchObject({ level: 40, unreachable: "redis 127.0.0.1:1 (cmd): Command timed out" });
    expect(lines[1]).toMatchObject({ level: 30, downForMs: 3500 });
    expect(recoveries).toEqual([3500]);
  });

  it("bounds a probe that never settles", async () => {
    jest.useFakeTimers();
    const { logger } = recordingLogger();
    const health = createRedisHealth({ probe: () => new Promise<void>(() => undefined), logger, timeoutMs: 300 });
    const state = health.check();
    await jest.advanceTimersByTimeAsync(300);
    expect(await state).toEqual({ up: false, reason: "no answer within 300 ms" });
  });

  it("goes down at once on a lost subscriber, and a probe begun before the loss is no recovery", async () => {
    const { logger, messages } = recordingLogger();
    let release: () => void = () => undefined;
    const health = createRedisHealth({ probe: () => new Promise<void>((resolve) => (release = resolve)), logger });
    const recoveries: number[] = [];
    health.onRecovered((ms) => recoveries.push(ms));

    const before = health.check();
    health.lost("redis 127.0.0.1:1 (sub): connection closed");
    release();
    expect(await before).toMatchObject({ up: false, reason: "redis 127.0.0.1:1 (sub): connection closed" });
    const after = health.check();
    release();
    expect(await after).toEqual({ up: true, reason: undefined });
    expect(recoveries).toHaveLength(1);
    expect(messages()).toEqual(["redis unreachable", "redis reachable again"]);
  });

  it("shares one probe between concurrent checks, probes on its interval, and stops", async () => {
    jest.useFakeTimers();
    const { logger } = recordingLogger();
    let probes = 0;
    const health = createRedisHealth({ probe: async () => void probes++, logger, intervalMs: 1000 });
    await Promise.all([health.check(), health.check(), health.check()]);
    expect(probes).toBe(1);
    health.start();
    await jest.advanceTimersByTimeAsync(3000);
    expect(probes).toBe(4);
    health.stop();
    await jest.advanceTimersByTimeAsync(3000);
    expect(probes).toBe(4);
  });

  it("a failing recovery listener does not stop the others", async () => {
    const { logger, messages } = recordingLogger();
    let fail = true;
    const health = createRedisHealth({ probe: async () => (fail ? Promise.reject(new Error("down")) : undefined), logger });
    const seen: string[] = [];
    health.onRecovered(() => {
      throw new Error("boom");
    });
    const remove = health.onRecovered(() => seen.push("second"));
    await health.check();
    fail = false;
    await health.check();
    expect(seen).toEqual(["second"]);
    expect(messages()).toContain("redis recovery listener failed");
    remove();
    fail = true;
    await health.check();
    fail = false;
    await health.check();
    expect(seen).toEqual(["second"]);
  });
});
