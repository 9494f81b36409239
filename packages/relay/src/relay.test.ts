import { MAX_EVENT_DATA_DEPTH, QUARANTINED_TYPE } from "@roomcast/protocol";
import pino from "pino";
import { shareOf } from "./membership";
import { createRelay, RELAY_PARTITIONS, type RelayHooks } from "./relay";
import { createFakeEmitter, createFakeOutbox, type FakeEmitter, type FakeOutbox } from "./testing/fake-outbox";

const logger = pino({ level: "silent" });
const options = { memberId: "r1", pollIntervalMs: 50, batchSize: 100, maxAttempts: 3 };

function setup(hooks: RelayHooks = {}, overrides: Partial<typeof options> = {}) {
  const outbox = createFakeOutbox();
  const emitter = createFakeEmitter();
  const relay = createRelay({ outbox, emitter, logger, hooks }, { ...options, ...overrides });
  return { outbox, emitter, relay };
}

const offsetsOf = (emitter: FakeEmitter, stream: string) => emitter.emitted.filter((e) => e.stream === stream).map((e) => e.offset);

describe("relay round", () => {
  it("reports each emitted event's seconds from commit to flush, and the round, through its hooks", async () => {
    jest.useFakeTimers({ now: 10_000, doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    try {
      const lags: number[][] = [];
      const rounds: Array<[number, number]> = [];
      const { outbox, relay } = setup({ onLag: (seconds) => lags.push([...seconds].sort()), onRound: (ms, emitted) => rounds.push([ms, emitted]) });
      outbox.add({ stream: "acme:chat:a", ts: new Date(7_500).toISOString() });
      outbox.add({ stream: "acme:chat:b", ts: new Date(9_000).toISOString() });
      await relay.round();
      expect(lags).toEqual([[1, 2.5]]);
      await relay.round();
      // An empty round reports its duration, and no lag.
      expect(lags).toHaveLength(1);
      expect(rounds).toEqual([[0, 2], [0, 0]]);
    } finally {
      jest.useRealTimers();
    }
  });

  it("emits each stream in offset order and marks only what it emitted", async () => {
    const { outbox, emitter, relay } = setup();
    for (let i = 0; i < 3; i++) {
      outbox.add({ stream: "acme:chat:a" });
      outbox.add({ stream: "acme:chat:b" });
    }
    await expect(relay.round()).resolves.toEqual({ emitted: 6, more: false });
    expect(offsetsOf(emitter, "acme:chat:a")).toEqual([1, 2, 3]);
    expect(offsetsOf(emitter, "acme:chat:b")).toEqual([1, 2, 3]);
    expect(emitter.emitted.find((e) => e.stream === "acme:chat:a")).toMatchObject({ stream: "acme:chat:a", offset: 1, channel: "chat", topic: "a", data: { n: 1, tenant: "acme" } });
    expect(outbox.cursor("acme:chat:a")).toBe(3);
    expect(outbox.pendingOf("acme:chat:a")).toEqual([]);
  });

  it("flushes before it marks: a failed flush marks nothing and the next round emits again", async () => {
    const { outbox, emitter, relay } = setup();
    outbox.add({ stream: "acme:chat:a" });
    emitter.failFlush = true;
    await expect(relay.round()).rejects.toThrow("redis unreachable");
    expect(outbox.pendingOf("acme:chat:a")).toEqual([1]);
    expect(outbox.cursor("acme:chat:a")).toBe(0);
    emitter.failFlush = false;
    await relay.round();
    expect(offsetsOf(emitter, "acme:chat:a")).toEqual([1, 1]);
    expect(emitter.flushed.map((e) => e.offset)).toEqual([1, 1]);
    expect(outbox.cursor("acme:chat:a")).toBe(1);
  });

  it("stops a stream at its first failing event for the round, and lets every other stream go on", async () => {
    const { outbox, emitter, relay } = setup();
    outbox.add({ stream: "acme:chat:a" });
    const bad = outbox.add({ stream: "acme:chat:a" });
    outbox.add({ stream: "acme:chat:a" });
    outbox.add({ stream: "acme:chat:b" });
    emitter.throwOn.add(bad.id);
    const result = await relay.round();
    expect(result).toEqual({ emitted: 2, more: false });
    expect(offsetsOf(emitter, "acme:chat:a")).toEqual([1]);
    expect(offsetsOf(emitter, "acme:chat:b")).toEqual([1]);
    expect(outbox.pendingOf("acme:chat:a")).toEqual([2, 3]);
    expect(outbox.cursor("acme:chat:a")).toBe(1);
  });

  it("quarantines an event after maxAttempts with its reason, puts a placeholder at its offset, and goes on", async () => {
    const quarantined: string[] = [];
    const { outbox, emitter, relay } = setup({ onQuarantine: (event, reason) => quarantined.push(`${event.id}: ${reason}`) });
    const bad = outbox.add({ stream: "acme:chat:a" });
    outbox.add({ stream: "acme:chat:a" });
    emitter.throwOn.add(bad.id);
    await relay.round();
    await relay.round();
    expect(outbox.quarantined.size).toBe(0);
    await relay.round();
    expect(quarantined).toEqual([`${bad.id}: failed 3 attempts: adapter refused the packet`]);
    expect(outbox.quarantined.get(bad.id)).toBe("failed 3 attempts: adapter refused the packet");
    expect(emitter.emitted.map((e) => [e.offset, e.type])).toEqual([
      [1, QUARANTINED_TYPE],
      [2, "message"],
    ]);
    expect(emitter.emitted[0]?.data).toBeNull();
    expect(outbox.cursor("acme:chat:a")).toBe(2);
  });

  it.each([
    ["an unknown channel", { stream: "acme:bogus:x", channel: "bogus" }, /unknown channel "bogus"/],
    ["data nested too deep", { stream: "acme:chat:deep", data: "[".repeat(MAX_EVENT_DATA_DEPTH + 1) + "]".repeat(MAX_EVENT_DATA_DEPTH + 1) }, /nested deeper/],
    ["data over the size limit", { stream: "acme:chat:big", data: JSON.stringify("x".repeat(600_000)) }, /over \d+ bytes/],
    ["data that does not parse", { stream: "acme:chat:junk", data: "{nope" }, /does not parse/],
  ])("quarantines a row with %s per event while other streams flow", async (_what, row, reason) => {
    const { outbox, emitter, relay } = setup();
    const poison = outbox.add(row);
    for (let round = 1; round <= 3; round++) {
      outbox.add({ stream: "acme:chat:ok" });
      await relay.round();
      expect(offsetsOf(emitter, "acme:chat:ok")).toEqual(Array.from({ length: round }, (_, i) => i + 1));
    }
    expect(outbox.quarantined.get(poison.id)).toMatch(reason);
    expect(outbox.pendingOf(row.stream)).toEqual([]);
    expect(outbox.cursor(row.stream)).toBe(1);
  });

  it("reads one batch per round and says when more is waiting", async () => {
    const { outbox, emitter, relay } = setup({}, { batchSize: 4 });
    for (let i = 0; i < 10; i++) outbox.add({ stream: "acme:chat:a" });
    expect(await relay.round()).toEqual({ emitted: 4, more: true });
    expect(await relay.round()).toEqual({ emitted: 4, more: true });
    expect(await relay.round()).toEqual({ emitted: 2, more: false });
    expect(offsetsOf(emitter, "acme:chat:a")).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(outbox.calls.filter((c) => c === "lockAndRead")).toHaveLength(3);
    expect(outbox.calls.filter((c) => c === "markEmitted")).toHaveLength(3);
  });

  it("leaves partitions another relay's round holds", async () => {
    const { outbox, emitter, relay } = setup();
    outbox.add({ stream: "acme:chat:a" });
    for (let p = 0; p < RELAY_PARTITIONS; p++) outbox.locked.add(p);
    expect(await relay.round()).toEqual({ emitted: 0, more: false });
    outbox.locked.clear();
    expect(await relay.round()).toEqual({ emitted: 1, more: false });
    expect(emitter.emitted).toHaveLength(1);
  });
});

describe("sharing partitions", () => {
  it("splits the partitions evenly and disjointly among the sorted members", () => {
    const members = ["a", "b", "c"];
    const shares = members.map((m) => shareOf(members, m));
    expect(shares.map((s) => s.length)).toEqual([22, 21, 21]);
    expect(new Set(shares.flat()).size).toBe(RELAY_PARTITIONS);
    expect(shareOf(members, "z")).toEqual([]);
    expect(shareOf(["a"], "a")).toHaveLength(RELAY_PARTITIONS);
  });

  it("two relays on one outbox each emit their own share, and one takes everything once the other leaves", async () => {
    let clock = 0;
    const outbox: FakeOutbox = createFakeOutbox({ now: () => clock });
    const emitters = [createFakeEmitter(), createFakeEmitter()];
    const relays = ["r1", "r2"].map((memberId, i) => createRelay({ outbox, emitter: emitters[i]!, logger }, { ...options, memberId, heartbeatMs: 0 }));
    const streams = Array.from({ length: 200 }, (_, i) => `acme:chat:s${i}`);
    for (const stream of streams) outbox.add({ stream });
    await relays[0]!.round(); // r1 alone so far: it may take anything
    const firstRound = emitters[0]!.emitted.length;
    expect(firstRound).toBe(100); // one batch
    await relays[1]!.round();
    await relays[0]!.round();
    await relays[1]!.round();
    const counts = emitters.map((e) => e.emitted.length);
    expect(counts[0]! + counts[1]!).toBe(200);
    expect(counts[1]).toBeGreaterThan(50);
    // r2 stops heartbeating: after the TTL r1 owns every partition again.
    for (const stream of streams) outbox.add({ stream });
    clock += 5_000;
    await relays[0]!.round();
    await relays[0]!.round();
    await relays[0]!.round();
    expect(emitters[0]!.emitted.length - counts[0]!).toBe(200);
  });
});

describe("relay run", () => {
  it("wakes on a notification, stops when aborted, and leaves the members", async () => {
    const { outbox, emitter, relay } = setup({}, { pollIntervalMs: 60_000 });
    const controller = new AbortController();
    const running = relay.run(controller.signal);
    outbox.add({ stream: "acme:chat:a" });
    outbox.wake();
    await waitUntil(() => emitter.emitted.length === 1);
    controller.abort();
    await running;
    await expect(outbox.round((r) => r.heartbeat("r2", 60_000))).resolves.toEqual(["r2"]);
  });

  it("carries a round's mark on the next round's read when one starts within markDelayMs, and marks the rest before it leaves", async () => {
    const { outbox, emitter, relay } = setup({}, { pollIntervalMs: 60_000, heartbeatMs: 60_000, markDelayMs: 60_000 } as Partial<typeof options>);
    const controller = new AbortController();
    const running = relay.run(controller.signal);
    // Its first round found nothing: the relay is listening and idle.
    await waitUntil(() => outbox.calls.includes("lockAndRead"));
    outbox.add({ stream: "acme:chat:a" });
    outbox.wake();
    await waitUntil(() => emitter.flushed.length === 1);
    // Flushed, not marked yet: the relay waits for the next round to carry the mark.
    expect(outbox.cursor("acme:chat:a")).toBe(0);
    outbox.add({ stream: "acme:chat:a" });
    outbox.wake();
    await waitUntil(() => emitter.flushed.length === 2);
    expect(outbox.cursor("acme:chat:a")).toBe(1);
    expect(outbox.pendingOf("acme:chat:a")).toEqual([2]);
    expect(outbox.calls.filter((c) => c === "markEmitted")).toEqual([]);
    controller.abort();
    await running;
    expect(outbox.cursor("acme:chat:a")).toBe(2);
    expect(outbox.pendingOf("acme:chat:a")).toEqual([]);
    expect(emitter.emitted.map((e) => e.offset)).toEqual([1, 2]);
  });

  it("marks a flushed batch on its own when no round follows within markDelayMs", async () => {
    const { outbox, emitter, relay } = setup({}, { pollIntervalMs: 60_000, heartbeatMs: 60_000, markDelayMs: 5 } as Partial<typeof options>);
    const controller = new AbortController();
    const running = relay.run(controller.signal);
    await waitUntil(() => outbox.calls.includes("lockAndRead"));
    outbox.add({ stream: "acme:chat:a" });
    outbox.wake();
    await waitUntil(() => outbox.cursor("acme:chat:a") === 1);
    expect(outbox.calls.filter((c) => c === "markEmitted")).toEqual(["markEmitted"]);
    expect(emitter.flushed.map((e) => e.offset)).toEqual([1]);
    controller.abort();
    await running;
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setImmediate(resolve));
  }
}
