import type { Redis } from "ioredis";
import pino from "pino";
import { availabilityKey, availableAgents, createMemoryAvailability, createRedisAvailability } from "./availability";

const logger = pino({ level: "silent" });

describe("memory availability", () => {
  test("away until set; online lists only the online users of that tenant", async () => {
    const store = createMemoryAvailability();
    expect(await store.online("acme")).toEqual([]);
    await store.set("acme", "agent1", "online");
    await store.set("acme", "agent2", "online");
    await store.set("acme", "agent2", "away");
    await store.set("other", "agent3", "online");
    expect(await store.online("acme")).toEqual(["agent1"]);
    expect(await store.list("acme")).toEqual([
      { user: "agent1", status: "online" },
      { user: "agent2", status: "away" },
    ]);
  });
});

describe("redis availability", () => {
  test("one hash per tenant, with the tenant as hash tag", () => {
    expect(availabilityKey("rc", "acme")).toBe("rc:availability:{acme}");
  });

  test("reads the tenant's hash and ignores values that are not a status", async () => {
    const hgetall = jest.fn(async () => ({ agent1: "online", agent2: "away", agent3: "busy" }));
    const store = createRedisAvailability({ redis: { hgetall } as unknown as Redis, prefix: "rc", logger });
    expect(await store.online("acme")).toEqual(["agent1"]);
    expect(await store.list("acme")).toEqual([
      { user: "agent1", status: "online" },
      { user: "agent2", status: "away" },
    ]);
    expect(hgetall).toHaveBeenCalledWith("rc:availability:{acme}");
  });

  test("a Redis that never answers: set rejects and online answers nobody, both within the timeout", async () => {
    jest.useFakeTimers();
    try {
      const never = () => new Promise<never>(() => undefined);
      const store = createRedisAvailability({ redis: { hgetall: never, hset: never } as unknown as Redis, prefix: "rc", logger, timeoutMs: 1000 });
      const set = store.set("acme", "agent1", "online");
      const online = store.online("acme");
      const setFailed = expect(set).rejects.toThrow("redis did not answer within 1000 ms");
      await jest.advanceTimersByTimeAsync(1000);
      await setFailed;
      await expect(online).resolves.toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe("availableAgents", () => {
  test("online and present in the tenant's chat stream; presence unreadable: the status alone", async () => {
    const store = createMemoryAvailability();
    await store.set("acme", "agent1", "online");
    await store.set("acme", "agent2", "online");
    await store.set("acme", "agent3", "away");
    const asked: string[] = [];
    const present = async (stream: string) => {
      asked.push(stream);
      return ["agent2", "agent3"];
    };
    expect(await availableAgents(store, present, "acme")).toEqual(["agent2"]);
    expect(asked).toEqual(["acme:chat"]);
    expect(await availableAgents(store, async () => undefined, "acme")).toEqual(["agent1", "agent2"]);
    expect(await availableAgents(store, () => Promise.reject(new Error("down")), "acme")).toEqual(["agent1", "agent2"]);
    expect(await availableAgents(store, undefined, "acme")).toEqual(["agent1", "agent2"]);
  });
});
