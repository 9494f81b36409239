/**
 * Resume at its limits: a `since` past retention, beyond the replay cap, or ahead of the
 * stream gets `recovered: false` and nothing of the old range; a `since` within them gets
 * exactly the missed events.
 */
import { deleteExpiredEvents } from "@roomcast/db";
import { connected, request, type TestSocket, until } from "@roomcast/gateway/testing";
import { chatEvent, publishCount } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

describe("resume limits", () => {
  let stack: Stack;
  let socket: TestSocket;
  const received: number[] = [];

  beforeAll(async () => {
    stack = await startStack({ gateways: 1, env: { ROOMCAST_REPLAY_LIMIT: "20" } });
    socket = await connected(stack.nodes[0]!.url, stack.token({ sub: "a1", tenant: "acme", role: "agent" }));
    socket.on("event", (e) => received.push(e.offset));
    await publishCount(stack.db, 30, (i) => chatEvent("r", i), 10);
    // Wait until the relay has published all 30, then keep only the newest 10.
    await until("the relay to publish the stream", 10_000, async () => {
      const [row] = await stack.db.prisma.$queryRaw<Array<{ p: bigint }>>`SELECT published_offset AS p FROM stream_cursors WHERE stream_id = 'acme:chat:r'`;
      return Number(row?.p ?? 0) === 30;
    });
    await deleteExpiredEvents(stack.db.prisma, { before: new Date(0), maxPerStream: 10 });
  }, 120_000);
  afterAll(async () => {
    socket.disconnect();
    await stack.close();
  });

  const subscribe = async (since: number | undefined) => {
    received.length = 0;
    await request(socket, "unsubscribe", { channel: "chat", topic: "r" });
    return request(socket, "subscribe", since === undefined ? { channel: "chat", topic: "r" } : { channel: "chat", topic: "r", since });
  };

  it("replays exactly the missed events within retention", async () => {
    expect(await subscribe(25)).toEqual({ ok: true, stream: "acme:chat:r", offset: 30, recovered: true, replayed: 5 });
    expect(received).toEqual([26, 27, 28, 29, 30]);
  });

  it("says recovered: false past retention and sends nothing of the old range", async () => {
    expect(await subscribe(5)).toEqual({ ok: true, stream: "acme:chat:r", offset: 30, recovered: false, replayed: 0 });
    expect(received).toEqual([]);
  });

  it("says recovered: false for a since ahead of the stream", async () => {
    expect(await subscribe(99)).toMatchObject({ ok: true, offset: 30, recovered: false, replayed: 0 });
  });

  it("starts a fresh subscriber at the stream's head", async () => {
    expect(await subscribe(undefined)).toEqual({ ok: true, stream: "acme:chat:r", offset: 30, recovered: true, replayed: 0 });
  });
});

describe("resume beyond the replay cap", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateways: 1, env: { ROOMCAST_REPLAY_LIMIT: "20" } });
  }, 120_000);
  afterAll(() => stack.close());

  it("says recovered: false when more events were missed than one replay may send", async () => {
    const socket = await connected(stack.nodes[0]!.url, stack.token({ sub: "a1", tenant: "acme", role: "agent" }));
    try {
      await publishCount(stack.db, 30, (i) => chatEvent("cap", i), 10);
      const received: number[] = [];
      socket.on("event", (e) => received.push(e.offset));
      await until("the relay to publish the stream", 10_000, async () => {
        const [row] = await stack.db.prisma.$queryRaw<Array<{ p: bigint }>>`SELECT published_offset AS p FROM stream_cursors WHERE stream_id = 'acme:chat:cap'`;
        return Number(row?.p ?? 0) === 30;
      });
      expect(await request(socket, "subscribe", { channel: "chat", topic: "cap", since: 5 })).toEqual({
        ok: true,
        stream: "acme:chat:cap",
        offset: 30,
        recovered: false,
        replayed: 0,
      });
      expect(received).toEqual([]);
      expect(await request(socket, "subscribe", { channel: "chat", topic: "cap", since: 15 })).toMatchObject({ recovered: true, replayed: 15 });
    } finally {
      socket.disconnect();
    }
  }, 60_000);
});
