/**
 * The SDK against a real Socket.IO server (ChaosGateway, in this process, on port 0) whose
 * live emits are duplicated, reordered and dropped, whose replay interleaves with live
 * events, and whose connections are cut while events keep coming. The application must
 * see every offset exactly once, in order.
 */
import type { EventEnvelope } from "@roomcast/protocol";
import { io as ioClient } from "socket.io-client";
import { createClient } from "./client";
import type { ClientOptions, RoomcastClient } from "./client-types";
import type { RoomcastSocket } from "./socket";
import { ChaosGateway, TOKEN, pause } from "./testing/chaos-gateway";

/** Collects what the app receives; `until(n)` resolves once n offsets arrived, or fails after a bound. */
class Sink {
  readonly offsets: number[] = [];
  private waiter: { count: number; resolve: () => void } | undefined;

  readonly onEvent = (event: EventEnvelope): void => {
    this.offsets.push(event.offset);
    if (this.waiter !== undefined && this.offsets.length >= this.waiter.count) this.waiter.resolve();
  };

  until(count: number, timeoutMs: number): Promise<void> {
    if (this.offsets.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`got ${this.offsets.length}/${count} events within ${timeoutMs} ms; last: ${this.offsets.slice(-5).join(",")}`));
      }, timeoutMs);
      this.waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        },
      };
    });
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** Waits for the client to reach a state, or fails after a bound. */
function stateReached(client: RoomcastClient, state: RoomcastClient["state"], timeoutMs: number): Promise<void> {
  if (client.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`client did not become ${state} within ${timeoutMs} ms (is ${client.state})`));
    }, timeoutMs);
    const off = client.onStateChange((s) => {
      if (s !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

let gateway: ChaosGateway;
let client: RoomcastClient;
let socket: RoomcastSocket;

async function connect(options: Partial<ClientOptions> = {}): Promise<void> {
  client = createClient({
    url: gateway.url,
    token: TOKEN,
    resyncTimeoutMs: 100,
    socketOptions: { transports: ["websocket"], reconnectionDelay: 10, reconnectionDelayMax: 50 },
    io: (url, opts) => {
      socket = ioClient(url, opts);
      return socket;
    },
    ...options,
  });
  await stateReached(client, "live", 5000);
}

/** Cuts the connection one way or the other: the client's transport, or the server. */
function cut(kind: number): void {
  if (kind % 2 === 0) socket.io.engine.close();
  else gateway.disconnectAll();
}

beforeEach(async () => {
  gateway = await ChaosGateway.start({ duplicate: 0.1, reorder: 0.1, drop: 0.03 });
});

afterEach(async () => {
  client.close();
  await gateway.close();
});

it("delivers every event once, in order, across forced disconnects while events keep coming", async () => {
  await connect();
  const sink = new Sink();
  const sub = client.subscribe({ channel: "chat", topic: "s1" }, sink.onEvent);
  await expect(sub.ready).resolves.toMatchObject({ ok: true, stream: "t1:chat:s1", offset: 0 });

  const total = 2000;
  const cuts = new Set([300, 700, 1100, 1500]);
  for (let n = 1; n <= total; n += 1) {
    gateway.append("chat", "s1", "message", { n }, n === total);
    if (cuts.has(n)) cut(n / 100);
    if (n % 20 === 0) await pause(1);
  }
  await sink.until(total, 20_000);
  gateway.append("chat", "s1", "sentinel", {}, true); // anything still in the pipe lands before it
  await sink.until(total + 1, 5000);

  expect(sink.offsets).toEqual(range(total + 1));
  expect(gateway.wire.duplicated).toBeGreaterThan(0);
  expect(gateway.wire.reordered).toBeGreaterThan(0);
  expect(gateway.wire.dropped).toBeGreaterThan(0);
  expect(gateway.wire.replayed).toBeGreaterThan(0);
}, 30_000);

it("catches up on events published while it was away, then continues live", async () => {
  await connect({ resyncTimeoutMs: 60_000 }); // only the resubscribe with since can bring them back
  const sink = new Sink();
  await client.subscribe({ channel: "documents", topic: "d1" }, sink.onEvent).ready;
  gateway.refuseWith = "unavailable";
  gateway.disconnectAll();
  await stateReached(client, "reconnecting", 5000);
  for (let n = 1; n <= 1000; n += 1) gateway.append("documents", "d1", "progress", { n });
  gateway.refuseWith = undefined;
  await sink.until(1000, 10_000);
  gateway.append("documents", "d1", "done", {}, true);
  await sink.until(1001, 5000);
  expect(sink.offsets).toEqual(range(1001));
  expect(gateway.subscribes.map((s) => s.since)).toEqual([undefined, 0]);
}, 30_000);

it("sends publishes queued while disconnected exactly once, in order, on reconnect", async () => {
  await connect();
  gateway.refuseWith = "unavailable";
  gateway.disconnectAll();
  await stateReached(client, "reconnecting", 5000);
  const results = range(5).map((n) => client.publish({ channel: "chat", topic: "s2", type: "message", data: { n } }));
  expect(client.pendingPublishes).toBe(5);
  expect(gateway.published).toHaveLength(0);
  gateway.refuseWith = undefined;
  const acks = await Promise.all(results);
  expect(acks.map((a) => (a.ok ? a.offset : -1))).toEqual([1, 2, 3, 4, 5]);
  expect(gateway.published.map((p) => p.data)).toEqual(range(5).map((n) => ({ n })));
  expect(client.pendingPublishes).toBe(0);
});

it("100 resubscribe races: 0 lost, 0 duplicates, in order", async () => {
  await connect();
  const perTrial = 40;
  for (let trial = 0; trial < 100; trial += 1) {
    const topic = `race${trial}`;
    const sink = new Sink();
    const sub = client.subscribe({ channel: "chat", topic, since: 0 }, sink.onEvent);
    const cutAt = 5 + Math.floor(Math.random() * (perTrial - 10));
    for (let n = 1; n <= perTrial; n += 1) {
      gateway.append("chat", topic, "message", { n }, n === perTrial);
      if (n === cutAt) cut(trial);
      await pause(Math.random() < 0.5 ? 0 : 1);
    }
    await sink.until(perTrial, 10_000);
    gateway.append("chat", topic, "sentinel", {}, true);
    await sink.until(perTrial + 1, 5000);
    expect({ trial, offsets: sink.offsets }).toEqual({ trial, offsets: range(perTrial + 1) });
    await sub.unsubscribe();
    const sinces = gateway.subscribes.filter((s) => s.stream === `t1:chat:${topic}`).map((s) => s.since);
    expect(sinces.length).toBeGreaterThan(1); // resubscribed after the cut
    expect(sinces.every((since) => since !== undefined)).toBe(true);
  }
  expect(gateway.wire.duplicated + gateway.wire.reordered + gateway.wire.dropped).toBeGreaterThan(100);
}, 60_000);
