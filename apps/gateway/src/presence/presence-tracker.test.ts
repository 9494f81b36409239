import type { PresenceEvent, Principal } from "@roomcast/protocol";
import pino from "pino";
import type { GatewayServer, GatewaySocket } from "../socket/socket-types";
import { createMemoryPresenceStore } from "./memory-presence-store";
import { createPresenceTracker } from "./presence-tracker";

const STREAM = "acme:chat:s1";
const timings = { refreshMs: 1000, ttlMs: 3000, sweepMs: 1000, graceMs: 2000, timeoutMs: 500 };

function fakeIo(emitted: Array<{ room: string; event: PresenceEvent }>): GatewayServer {
  return { to: (room: string) => ({ emit: (_name: string, event: PresenceEvent) => emitted.push({ room, event }) }) } as unknown as GatewayServer;
}

let ids = 0;
function fakeSocket(principal: Principal) {
  const listeners: Array<() => void> = [];
  const socket = {
    id: `sock-${++ids}`,
    data: { principal, grant: { exp: 0 }, filters: {} },
    join: async () => undefined,
    leave: async () => undefined,
    once: (_event: "disconnect", listener: () => void) => listeners.push(listener),
  };
  return { socket: socket as unknown as GatewaySocket, disconnect: () => listeners.splice(0).forEach((l) => l()) };
}

describe("presence tracker", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const flush = async (ms = 0) => {
    await jest.advanceTimersByTimeAsync(ms);
  };
  const logger = pino({ level: "silent" });
  const ana: Principal = { sub: "ana", tenant: "acme", role: "agent", name: "Ana" };

  it("makes a user with several sockets one member: one join, one leave after the grace period after the last", async () => {
    const emitted: Array<{ room: string; event: PresenceEvent }> = [];
    const tracker = createPresenceTracker({ io: fakeIo(emitted), store: createMemoryPresenceStore("n1"), logger, timings, now: Date.now });
    const a = fakeSocket(ana);
    const b = fakeSocket(ana);
    await tracker.track(a.socket, STREAM);
    await tracker.track(b.socket, STREAM);
    expect(emitted.map((e) => [e.room, e.event.type, e.event.member.user])).toEqual([[`~presence:${STREAM}`, "join", "ana"]]);
    expect(await tracker.members(STREAM)).toEqual({ ok: true, members: [{ user: "ana", role: "agent", name: "Ana", connections: 2 }] });

    a.disconnect();
    await flush(timings.graceMs + 10);
    expect(emitted).toHaveLength(1);
    b.disconnect();
    await flush(timings.graceMs - 10);
    expect(emitted).toHaveLength(1);
    await flush(20);
    expect(emitted.map((e) => e.event.type)).toEqual(["join", "leave"]);
    expect(await tracker.members(STREAM)).toEqual({ ok: true, members: [] });
    tracker.close();
  });

  it("does not count a socket replaced within the grace period (a reload) as a leave", async () => {
    const emitted: Array<{ room: string; event: PresenceEvent }> = [];
    const tracker = createPresenceTracker({ io: fakeIo(emitted), store: createMemoryPresenceStore("n1"), logger, timings });
    tracker.start();
    const first = fakeSocket(ana);
    await tracker.track(first.socket, STREAM);
    first.disconnect();
    await flush(timings.graceMs / 2);
    await tracker.track(fakeSocket(ana).socket, STREAM);
    await flush(timings.graceMs * 5);
    expect(emitted.map((e) => e.event.type)).toEqual(["join"]);
    tracker.close();
  });

  it("drops the members of a node that stops refreshing, the leave sent by the node whose sweep found them", async () => {
    const shared = new Map();
    const emittedA: Array<{ room: string; event: PresenceEvent }> = [];
    const emittedB: Array<{ room: string; event: PresenceEvent }> = [];
    const nodeA = createPresenceTracker({ io: fakeIo(emittedA), store: createMemoryPresenceStore("a", shared), logger, timings });
    const nodeB = createPresenceTracker({ io: fakeIo(emittedB), store: createMemoryPresenceStore("b", shared), logger, timings });
    nodeA.start();
    nodeB.start();
    await nodeA.track(fakeSocket({ sub: "v1", tenant: "acme", role: "visitor", session: "s1" }).socket, STREAM);
    await nodeB.track(fakeSocket(ana).socket, STREAM);
    await flush(timings.ttlMs * 2);
    expect(emittedB).toEqual([expect.objectContaining({ event: expect.objectContaining({ type: "join", member: expect.objectContaining({ user: "ana" }) }) })]);

    nodeA.close(); // as if SIGKILLed: no more refreshes, nothing removed
    await flush(timings.ttlMs + timings.sweepMs);
    expect(emittedB.map((e) => [e.event.type, e.event.member.user])).toEqual([["join", "ana"], ["leave", "v1"]]);
    expect(await nodeB.members(STREAM)).toMatchObject({ ok: true, members: [{ user: "ana" }] });
    nodeB.close();
  });

  it("answers unavailable when the store does not answer in time", async () => {
    const store = { ...createMemoryPresenceStore("n1"), members: () => new Promise<never>(() => undefined) };
    const tracker = createPresenceTracker({ io: fakeIo([]), store, logger, timings });
    const answer = tracker.members(STREAM);
    await flush(timings.timeoutMs);
    await expect(answer).resolves.toMatchObject({ ok: false, error: { code: "unavailable" } });
  });
});
