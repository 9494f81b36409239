import type { EventEnvelope, SubscribeRequest } from "@roomcast/protocol";
import { createClient } from "./client";
import type { ClientOptions, RoomcastClient } from "./client-types";
import type { ClientErrorInfo } from "./errors";
import { envelope, offsets } from "./testing/envelopes";
import { fakeFactory, type FakeSocket } from "./testing/fake-socket";

const settle = () => jest.advanceTimersByTimeAsync(0);
const subAck = (offset: number, recovered = true) => ({ ok: true, stream: "acme:chat:s1", offset, recovered, replayed: 0 });

function setup(options: Partial<ClientOptions> = {}) {
  const factory = fakeFactory();
  const client = createClient({ url: "http://gateway.test", token: "t0", io: factory.io, ...options });
  const socket = factory.sockets[0] as FakeSocket;
  return { client, socket, factory };
}

function collect(client: RoomcastClient, request: SubscribeRequest = { channel: "chat", topic: "s1" }) {
  const events: EventEnvelope[] = [];
  const resets: Array<{ stream: string; offset: number }> = [];
  const sub = client.subscribe(request, (e) => events.push(e), { onReset: (r) => resets.push(r) });
  return { sub, events, resets };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
});

describe("connection", () => {
  it("sends the token only in the handshake auth, on a dedicated socket", () => {
    const { client, socket } = setup();
    expect(socket.url).toBe("http://gateway.test");
    expect(socket.options).toMatchObject({ autoConnect: false, forceNew: true });
    expect(socket.options).not.toHaveProperty("query");
    expect(socket.handshakeToken()).toBe("t0");
    expect(socket.connectCalls).toBe(1);
    client.close();
  });

  it("reports connecting → live → reconnecting → live → offline", () => {
    const { client, socket } = setup();
    const states: string[] = [client.state];
    client.onStateChange((s) => states.push(s));
    socket.accept();
    socket.drop();
    socket.transportError();
    socket.accept();
    client.close();
    expect(states).toEqual(["connecting", "live", "reconnecting", "live", "offline"]);
    expect(socket.disconnectCalls).toBe(1);
  });

  it("on unauthorized, gets a fresh token and connects again", async () => {
    const tokens = ["first", "second"];
    const getToken = jest.fn(async () => tokens.shift() ?? "none");
    const { client, socket } = setup({ token: undefined, getToken });
    const errors: ClientErrorInfo[] = [];
    client.onError((e) => errors.push(e));
    await jest.advanceTimersByTimeAsync(1);
    expect(socket.handshakeToken()).toBe("first");
    expect(socket.connectCalls).toBe(1);
    socket.refuse("unauthorized", "token expired");
    expect(errors).toEqual([{ code: "unauthorized", message: "token expired" }]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(socket.connectCalls).toBe(2);
    expect(socket.handshakeToken()).toBe("second");
    socket.accept();
    expect(client.state).toBe("live");
    client.close();
  });

  it("without getToken, an unauthorized refusal leaves the client offline", async () => {
    const { client, socket } = setup();
    const errors: ClientErrorInfo[] = [];
    client.onError((e) => errors.push(e));
    socket.refuse("unauthorized");
    await jest.advanceTimersByTimeAsync(60_000);
    expect(client.state).toBe("offline");
    expect(errors.map((e) => e.code)).toEqual(["unauthorized"]);
    expect(socket.connectCalls).toBe(1);
    client.close();
  });

  it("reconnects by itself after a server-side disconnect (socket.io will not)", async () => {
    const { client, socket } = setup({ socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 200 } });
    socket.accept();
    socket.drop("io server disconnect");
    expect(client.state).toBe("reconnecting");
    await jest.advanceTimersByTimeAsync(200);
    expect(socket.connectCalls).toBe(2);
    client.close();
  });

  it("goes offline when socket.io gives up reconnecting", () => {
    const { client, socket } = setup();
    socket.accept();
    socket.drop();
    socket.managerEvent("reconnect_failed");
    expect(client.state).toBe("offline");
    client.close();
  });
});

describe("subscriptions", () => {
  it("starts live at the ack's offset, then resubscribes with since on every reconnect", async () => {
    const { client, socket } = setup();
    const { sub, events } = collect(client);
    expect(socket.requests("subscribe")).toHaveLength(0); // not connected yet: nothing buffered
    socket.accept();
    const first = socket.lastRequest("subscribe");
    expect(first.payload).toEqual({ channel: "chat", topic: "s1" });
    first.ack(subAck(4));
    await settle();
    await expect(sub.ready).resolves.toMatchObject({ ok: true, offset: 4 });
    socket.push(envelope(5));
    socket.push(envelope(6));
    socket.push(envelope(6));
    socket.drop();
    socket.accept();
    const second = socket.lastRequest("subscribe");
    expect(second.payload).toEqual({ channel: "chat", topic: "s1", since: 6 });
    first.ack(subAck(99, false)); // a stale answer from the previous connection is ignored
    socket.push(envelope(8)); // live, before the replay
    socket.push(envelope(7)); // replayed
    second.ack(subAck(7));
    await settle();
    socket.drop();
    socket.accept();
    expect(socket.lastRequest("subscribe").payload).toEqual({ channel: "chat", topic: "s1", since: 8 });
    expect(offsets(events)).toEqual([5, 6, 7, 8]);
    expect(sub.lastOffset).toBe(8);
    client.close();
  });

  it("resubscribes every stream with since when the server asks for a resync", async () => {
    const { client, socket } = setup();
    const { events } = collect(client);
    socket.accept();
    socket.lastRequest("subscribe").ack(subAck(0));
    await settle();
    socket.push(envelope(1));
    socket.push(envelope(2));
    const before = socket.requests("subscribe").length;
    socket.push({ type: "resync", message: "catch up", ts: "" }, "system");
    expect(socket.requests("subscribe")).toHaveLength(before + 1);
    expect(socket.lastRequest("subscribe").payload).toEqual({ channel: "chat", topic: "s1", since: 2 });
    socket.push(envelope(3)); // replayed
    socket.lastRequest("subscribe").ack(subAck(3));
    await settle();
    expect(offsets(events)).toEqual([1, 2, 3]);
    client.close();
  });

  it("resubscribes with since: last delivered when a gap stays open for resyncTimeoutMs", async () => {
    const { client, socket } = setup({ resyncTimeoutMs: 5000, ackTimeoutMs: 30_000 });
    const { events } = collect(client, { channel: "chat", topic: "s1", since: 0 });
    socket.accept();
    socket.lastRequest("subscribe").ack(subAck(0));
    await settle();
    socket.push(envelope(1));
    socket.push(envelope(3)); // 2 is missing
    await jest.advanceTimersByTimeAsync(4999);
    expect(socket.requests("subscribe")).toHaveLength(1);
    socket.push(envelope(4)); // more early events do not restart the clock
    await jest.advanceTimersByTimeAsync(1);
    expect(socket.requests("subscribe")).toHaveLength(2);
    const resync = socket.lastRequest("subscribe");
    expect(resync.payload).toEqual({ channel: "chat", topic: "s1", since: 1 });
    await jest.advanceTimersByTimeAsync(20_000); // no second resync while one is in flight
    expect(socket.requests("subscribe")).toHaveLength(2);
    socket.push(envelope(2));
    socket.push(envelope(3));
    socket.push(envelope(4));
    resync.ack(subAck(4));
    await settle();
    expect(offsets(events)).toEqual([1, 2, 3, 4]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(socket.requests("subscribe")).toHaveLength(2);
    client.close();
  });

  it("a gap that fills in time sends no resync", async () => {
    const { client, socket } = setup({ resyncTimeoutMs: 5000 });
    const { events } = collect(client);
    socket.accept();
    socket.lastRequest("subscribe").ack(subAck(0));
    await settle();
    socket.push(envelope(2));
    await jest.advanceTimersByTimeAsync(4000);
    socket.push(envelope(1));
    await jest.advanceTimersByTimeAsync(60_000);
    expect(socket.requests("subscribe")).toHaveLength(1);
    expect(offsets(events)).toEqual([1, 2]);
    client.close();
  });

  it("a where subscription (changes) delivers across the offsets it filtered out, without a resync", async () => {
    const { client, socket } = setup({ resyncTimeoutMs: 5000 });
    const { events } = collect(client, { channel: "changes", topic: "documents", where: { status: "done" } });
    socket.accept();
    socket.lastRequest("subscribe").ack({ ...subAck(0), stream: "acme:changes:documents" });
    await settle();
    const change = { stream: "acme:changes:documents", channel: "changes" as const, topic: "documents", type: "update" };
    socket.push(envelope(3, change));
    socket.push(envelope(7, change));
    await settle();
    expect(offsets(events)).toEqual([3, 7]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(socket.requests("subscribe")).toHaveLength(1);
    client.close();
  });

  it("tells the app to reload on recovered:false, then continues from the ack's offset", async () => {
    const { client, socket } = setup();
    const { events, resets } = collect(client);
    socket.accept();
    socket.lastRequest("subscribe").ack(subAck(10));
    await settle();
    socket.push(envelope(11));
    socket.drop();
    socket.accept();
    socket.push(envelope(901)); // live, arrives before the ack
    socket.lastRequest("subscribe").ack(subAck(900, false));
    await settle();
    expect(resets).toEqual([{ stream: "acme:chat:s1", offset: 900 }]);
    socket.push(envelope(902));
    expect(offsets(events)).toEqual([11, 901, 902]);
    client.close();
  });

  it("retries a retryable refusal and ends the subscription on a final one", async () => {
    const { client, socket } = setup({ socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 100 } });
    const errors: ClientErrorInfo[] = [];
    client.onError((e) => errors.push(e));
    const onError = jest.fn();
    const sub = client.subscribe({ channel: "documents", topic: "d1" }, () => undefined, { onError });
    socket.accept();
    socket.lastRequest("subscribe").ack({ ok: false, error: { code: "unavailable", message: "db down" } });
    await jest.advanceTimersByTimeAsync(200);
    expect(socket.requests("subscribe")).toHaveLength(2);
    socket.lastRequest("subscribe").ack({ ok: false, error: { code: "forbidden", message: "no" } });
    await settle();
    await expect(sub.ready).resolves.toEqual({ ok: false, error: { code: "forbidden", message: "no" } });
    expect(onError).toHaveBeenCalledWith({ code: "forbidden", message: "no" });
    expect(errors).toHaveLength(1);
    socket.drop();
    socket.accept();
    expect(socket.requests("subscribe")).toHaveLength(2); // ended: not resubscribed
    client.subscribe({ channel: "documents", topic: "d1" }, () => undefined);
    expect(socket.requests("subscribe")).toHaveLength(3);
    client.close();
  });

  it("refuses an invalid request or a second subscription to the same stream", async () => {
    const { client } = setup();
    const bad = client.subscribe({ channel: "nope" } as never, () => undefined);
    await expect(bad.ready).resolves.toMatchObject({ ok: false, error: { code: "invalid" } });
    client.subscribe({ channel: "chat", topic: "s1" }, () => undefined);
    const dup = client.subscribe({ channel: "chat", topic: "s1" }, () => undefined);
    await expect(dup.ready).resolves.toMatchObject({ ok: false, error: { code: "invalid" } });
    client.close();
  });

  it("keeps delivering when the app's handler throws, and stops after unsubscribe", async () => {
    const { client, socket } = setup();
    const seen: number[] = [];
    const sub = client.subscribe({ channel: "chat", topic: "s1" }, (e) => {
      seen.push(e.offset);
      if (e.offset === 1) throw new Error("app bug");
    });
    socket.accept();
    socket.lastRequest("subscribe").ack(subAck(0));
    await settle();
    socket.push(envelope(1));
    socket.push(envelope(2));
    const done = sub.unsubscribe();
    expect(socket.lastRequest("unsubscribe").payload).toEqual({ channel: "chat", topic: "s1" });
    socket.lastRequest("unsubscribe").ack({ ok: true, stream: "acme:chat:s1" });
    await done;
    socket.push(envelope(3));
    expect(seen).toEqual([1, 2]);
    client.close();
  });

  it("ignores malformed events and events of streams it is not subscribed to", async () => {
    const { client, socket } = setup();
    const { events } = collect(client);
    socket.accept();
    socket.lastRequest("subscribe").ack(subAck(0));
    await settle();
    socket.push({ offset: 1 } as never);
    socket.push(envelope(1, { topic: "other", stream: "acme:chat:other" }));
    socket.push(envelope(1));
    expect(offsets(events)).toEqual([1]);
    client.close();
  });
});

describe("publish", () => {
  const message = (n: number) => ({ channel: "chat" as const, topic: "s1", type: "message", data: { n } });

  it("queues while disconnected and sends each publish exactly once, in order, on reconnect", async () => {
    const { client, socket } = setup();
    const results = [client.publish(message(1)), client.publish(message(2))];
    expect(client.pendingPublishes).toBe(2);
    expect(socket.requests("publish")).toHaveLength(0);
    socket.accept();
    expect(socket.requests("publish").map((r) => r.payload["data"])).toEqual([{ n: 1 }]); // one in flight
    socket.lastRequest("publish").ack({ ok: true, id: "a", stream: "acme:chat:s1", offset: 1 });
    await settle();
    socket.lastRequest("publish").ack({ ok: true, id: "b", stream: "acme:chat:s1", offset: 2 });
    await expect(Promise.all(results)).resolves.toEqual([
      { ok: true, id: "a", stream: "acme:chat:s1", offset: 1 },
      { ok: true, id: "b", stream: "acme:chat:s1", offset: 2 },
    ]);
    socket.drop();
    socket.accept();
    expect(socket.requests("publish")).toHaveLength(2);
    expect(socket.requests("publish").map((r) => r.payload)).toEqual([
      { channel: "chat", topic: "s1", type: "message", data: { n: 1 }, priority: 5 },
      { channel: "chat", topic: "s1", type: "message", data: { n: 2 }, priority: 5 },
    ]);
    client.close();
  });

  it("is bounded by offlineQueueLimit", async () => {
    const { client } = setup({ offlineQueueLimit: 2 });
    const kept = [client.publish(message(1)), client.publish(message(2))];
    await expect(client.publish(message(3))).rejects.toMatchObject({ name: "RoomcastClientError", code: "queue_full" });
    expect(client.pendingPublishes).toBe(2);
    client.close();
    await expect(Promise.all(kept)).rejects.toMatchObject({ code: "closed" });
  });

  it("refuses an invalid publish without queueing it", async () => {
    const { client } = setup();
    await expect(client.publish({ channel: "chat", type: "bad type!", data: 1 })).resolves.toMatchObject({
      ok: false,
      error: { code: "invalid" },
    });
    expect(client.pendingPublishes).toBe(0);
    client.close();
  });

  it("resends a publish that never left, and reports one whose ack was lost as outcome_unknown", async () => {
    const { client, socket } = setup();
    socket.accept();
    const lost = client.publish(message(1));
    socket.drop(); // it was written: the server may have committed it
    await expect(lost).rejects.toMatchObject({ code: "outcome_unknown" });
    socket.accept();
    socket.bufferEmits = true; // socket.io's ping expired: the emit sits in its buffer
    const unsent = client.publish(message(2));
    socket.drop();
    expect(socket.sendBuffer).toHaveLength(0); // socket.io will not replay it behind our back
    socket.accept();
    await settle();
    const publishes = socket.requests("publish");
    expect(publishes.map((r) => r.payload["data"])).toEqual([{ n: 1 }, { n: 2 }, { n: 2 }]);
    publishes[2]?.ack({ ok: true, id: "b", stream: "acme:chat:s1", offset: 2 });
    await expect(unsent).resolves.toMatchObject({ ok: true, id: "b" });
    client.close();
  });

  it("with idempotency keys, resends an unacknowledged publish with the same key", async () => {
    const { client, socket } = setup({ idempotencyKeys: true, ackTimeoutMs: 1000 });
    socket.accept();
    const result = client.publish(message(1));
    socket.drop();
    socket.accept();
    await jest.advanceTimersByTimeAsync(1000); // the resend times out too
    const sent = socket.requests("publish");
    expect(sent).toHaveLength(3);
    const keys = new Set(sent.map((r) => r.payload["key"]));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toEqual(expect.any(String));
    sent[2]?.ack({ ok: true, id: "a", stream: "acme:chat:s1", offset: 1 });
    await expect(result).resolves.toMatchObject({ ok: true, id: "a" });
    client.close();
  });

  it("sends the caller's own key, with idempotency keys on or off", async () => {
    for (const idempotencyKeys of [true, false]) {
      const { client, socket } = setup({ idempotencyKeys });
      socket.accept();
      const result = client.publish({ ...message(1), key: "draft-0001" });
      const [sent] = socket.requests("publish");
      expect(sent?.payload["key"]).toBe("draft-0001");
      sent?.ack({ ok: true, id: "a", stream: "acme:chat:s1", offset: 1 });
      await expect(result).resolves.toMatchObject({ ok: true });
      client.close();
    }
  });
});

describe("close", () => {
  it("stops every timer and the socket while live, and settles everything pending", async () => {
    const { client, socket } = setup({ resyncTimeoutMs: 5000 });
    const { sub } = collect(client);
    const other = client.subscribe({ channel: "documents", topic: "d1" }, () => undefined);
    socket.accept();
    socket.requests("subscribe")[0]?.ack(subAck(0));
    await settle();
    socket.push(envelope(5)); // a gap timer
    socket.requests("subscribe")[1]?.ack({ ok: false, error: { code: "unavailable", message: "x" } });
    await settle(); // a retry timer
    const inFlight = client.publish({ channel: "chat", topic: "s1", type: "m", data: 1 }); // an ack timer
    const queued = client.publish({ channel: "chat", topic: "s1", type: "m", data: 2 });
    expect(jest.getTimerCount()).toBe(3);
    client.close();
    expect(jest.getTimerCount()).toBe(0);
    expect(socket.disconnectCalls).toBe(1);
    expect(client.state).toBe("offline");
    await expect(sub.ready).resolves.toMatchObject({ ok: true });
    await expect(other.ready).resolves.toMatchObject({ ok: false, error: { code: "unavailable" } });
    await expect(inFlight).rejects.toMatchObject({ code: "closed" });
    await expect(queued).rejects.toMatchObject({ code: "closed" });
    await expect(client.publish({ channel: "chat", type: "m", data: 1 })).rejects.toMatchObject({ code: "closed" });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(socket.connectCalls).toBe(1);
  });

  it("stops a scheduled reconnect and a pending token refresh", async () => {
    let release: (token: string) => void = () => undefined;
    const getToken = jest.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const { client, socket } = setup({ getToken });
    socket.accept();
    socket.drop("io server disconnect");
    expect(jest.getTimerCount()).toBe(1); // the reconnect
    client.close();
    expect(jest.getTimerCount()).toBe(0);
    const second = setup({ token: undefined, getToken });
    await settle(); // getToken is pending
    second.client.close();
    release("late");
    await settle();
    expect(second.socket.connectCalls).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});
