import type { PresenceEvent, TypingEvent } from "@roomcast/protocol";
import { createClient } from "./client";
import { fakeFactory, type FakeSocket } from "./testing/fake-socket";

const settle = () => jest.advanceTimersByTimeAsync(0);

function setup() {
  const factory = fakeFactory();
  const client = createClient({ url: "http://gateway.test", token: "t0", io: factory.io, ackTimeoutMs: 1000 });
  return { client, socket: factory.sockets[0] as FakeSocket };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe("presence and typing in the SDK", () => {
  it("asks who is in a stream and parses the answer with the protocol's ack schema", async () => {
    const { client, socket } = setup();
    socket.accept();
    const answer = client.presence({ channel: "chat", topic: "s1" });
    const request = socket.lastRequest("presence");
    expect(request.payload).toEqual({ channel: "chat", topic: "s1" });
    request.ack({ ok: true, stream: "acme:chat:s1", count: 1, members: [{ user: "ana", role: "agent", name: "Ana", connections: 2 }] });
    await expect(answer).resolves.toEqual({ ok: true, stream: "acme:chat:s1", count: 1, members: [{ user: "ana", role: "agent", name: "Ana", connections: 2 }] });

    const malformed = client.presence({ channel: "chat", topic: "s1" });
    socket.lastRequest("presence").ack({ ok: true, stream: "acme:chat:s1", count: "one" });
    await expect(malformed).resolves.toMatchObject({ ok: false, error: { code: "internal" } });
    client.close();
  });

  it("answers unavailable at once while offline and after the ack timeout, and invalid for a bad request", async () => {
    const { client, socket } = setup();
    await expect(client.typing({ channel: "chat", topic: "s1" })).resolves.toMatchObject({ ok: false, error: { code: "unavailable" } });
    expect(socket.requests("typing")).toEqual([]);
    socket.accept();
    const late = client.typing({ channel: "chat", topic: "s1" });
    expect(socket.lastRequest("typing").payload).toEqual({ channel: "chat", topic: "s1", typing: true });
    await jest.advanceTimersByTimeAsync(1000);
    await expect(late).resolves.toMatchObject({ ok: false, error: { code: "unavailable" } });
    await expect(client.presence({ channel: "nope" as "chat" })).resolves.toMatchObject({ ok: false, error: { code: "invalid" } });
    client.close();
  });

  it("hands valid presence and typing events to their listeners and drops malformed ones", async () => {
    const { client, socket } = setup();
    socket.accept();
    const presence: PresenceEvent[] = [];
    const typing: TypingEvent[] = [];
    client.onPresence((e) => presence.push(e));
    const stop = client.onTyping((e) => typing.push(e));
    const join: PresenceEvent = { stream: "acme:chat:s1", type: "join", member: { user: "ana", role: "agent", connections: 1 } };
    socket.pushEphemeral("presence", join);
    socket.pushEphemeral("presence", { stream: "acme:chat:s1", type: "arrive", member: {} });
    socket.pushEphemeral("typing", { stream: "acme:chat:s1", user: "v1", role: "visitor", typing: true });
    socket.pushEphemeral("typing", { stream: "acme:chat:s1", user: "v1" });
    stop();
    socket.pushEphemeral("typing", { stream: "acme:chat:s1", user: "v1", role: "visitor", typing: false });
    await settle();
    expect(presence).toEqual([join]);
    expect(typing).toEqual([{ stream: "acme:chat:s1", user: "v1", role: "visitor", typing: true }]);
    client.close();
  });

  it("keeps presence: true in the subscribe it sends, again after a reconnect", async () => {
    const { client, socket } = setup();
    socket.accept();
    client.subscribe({ channel: "chat", topic: "s1", presence: true }, () => undefined);
    await settle();
    expect(socket.lastRequest("subscribe").payload).toMatchObject({ channel: "chat", topic: "s1", presence: true });
    socket.lastRequest("subscribe").ack({ ok: true, stream: "acme:chat:s1", offset: 0, recovered: true, replayed: 0 });
    socket.drop();
    socket.accept();
    await settle();
    expect(socket.requests("subscribe")).toHaveLength(2);
    expect(socket.lastRequest("subscribe").payload).toMatchObject({ channel: "chat", topic: "s1", presence: true });
    client.close();
  });
});
