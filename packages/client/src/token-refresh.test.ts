/**
 * The SDK keeps a live socket authorized: before its token's `exp` it asks `getToken` and
 * hands the new token to the socket (`auth:refresh`); after a `token_expired` notice or a
 * refused refresh, the next reconnect takes a fresh token. Fake timers, the fake socket.
 */
import { createClient } from "./client";
import type { ClientOptions } from "./client-types";
import type { ClientErrorInfo } from "./errors";
import { fakeFactory, type FakeSocket } from "./testing/fake-socket";
import { refreshDelay, tokenExpiry } from "./token-expiry";

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** A JWT-shaped token (the SDK never verifies it; it only reads `exp`). */
const jwtExpiringIn = (seconds: number, name: string) => `${b64({ alg: "HS256" })}.${b64({ sub: name, exp: Math.floor(Date.now() / 1000) + seconds })}.sig`;

function setup(options: Partial<ClientOptions>) {
  const factory = fakeFactory();
  const client = createClient({ url: "http://gateway.test", io: factory.io, ...options });
  const errors: ClientErrorInfo[] = [];
  client.onError((e) => errors.push(e));
  return { client, socket: factory.sockets[0] as FakeSocket, errors };
}

beforeEach(() => {
  jest.useFakeTimers();
  jest.setSystemTime(new Date("2026-12-01T00:00:00Z"));
});
afterEach(() => jest.useRealTimers());

describe("token expiry", () => {
  it("reads exp from a JWT and nothing from anything else", () => {
    expect(tokenExpiry(jwtExpiringIn(60, "a"))).toBe(Math.floor(Date.now() / 1000) + 60);
    expect(tokenExpiry("not-a-jwt")).toBeUndefined();
    expect(tokenExpiry(`x.${b64({ exp: "soon" })}.y`)).toBeUndefined();
    expect(tokenExpiry("x.%%%.y")).toBeUndefined();
  });

  it("refreshes a margin before exp, but at most halfway through what is left", () => {
    const now = Date.now();
    const exp = now / 1000 + 600;
    expect(refreshDelay(exp, now, 60_000)).toBe(540_000);
    expect(refreshDelay(now / 1000 + 30, now, 60_000)).toBe(15_000);
    expect(refreshDelay(now / 1000 - 5, now, 60_000)).toBe(0);
  });
});

describe("token refresh", () => {
  it("asks getToken before exp and hands the new token to the live socket", async () => {
    const tokens = [jwtExpiringIn(120, "first"), jwtExpiringIn(600, "second"), jwtExpiringIn(600, "third")];
    const getToken = jest.fn(async () => tokens.shift() ?? "none");
    const { client, socket } = setup({ getToken });
    await jest.advanceTimersByTimeAsync(1);
    socket.accept();
    expect(getToken).toHaveBeenCalledTimes(1);

    await jest.advanceTimersByTimeAsync(59_000);
    expect(socket.requests("auth:refresh")).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(getToken).toHaveBeenCalledTimes(2);
    const refresh = socket.lastRequest("auth:refresh");
    expect(refresh.payload).toEqual({ token: expect.stringContaining(".") });
    expect(tokenExpiry(refresh.payload.token as string)).toBe(Math.floor(Date.now() / 1000) + 600 - 60);
    refresh.ack({ ok: true, exp: tokenExpiry(refresh.payload.token as string) });
    await jest.advanceTimersByTimeAsync(0);
    // The new token is the one a reconnect would carry, and the next refresh is set from its exp.
    expect(socket.handshakeToken()).toBe(refresh.payload.token);
    // "second" expires 600 s after the start, so its refresh is due at 540 s: 480 s from now.
    await jest.advanceTimersByTimeAsync(479_000);
    expect(socket.requests("auth:refresh")).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(socket.requests("auth:refresh")).toHaveLength(2);
    client.close();
  });

  it("schedules nothing without getToken, or while offline", async () => {
    const { client, socket } = setup({ token: jwtExpiringIn(120, "fixed") });
    socket.accept();
    await jest.advanceTimersByTimeAsync(200_000);
    expect(socket.requests("auth:refresh")).toHaveLength(0);
    client.close();

    const getToken = jest.fn(async () => jwtExpiringIn(120, "t"));
    const second = setup({ getToken });
    await jest.advanceTimersByTimeAsync(1);
    second.socket.accept();
    second.socket.drop();
    await jest.advanceTimersByTimeAsync(200_000);
    expect(second.socket.requests("auth:refresh")).toHaveLength(0);
    second.client.close();
  });

  it("after a token_expired notice, reconnects with a fresh token from getToken", async () => {
    const tokens = [jwtExpiringIn(3600, "old"), jwtExpiringIn(3600, "new")];
    const getToken = jest.fn(async () => tokens.shift() ?? "none");
    const { client, socket } = setup({ getToken, socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 200 } });
    await jest.advanceTimersByTimeAsync(1);
    socket.accept();
    const old = socket.handshakeToken();
    socket.push({ type: "token_expired", message: "expired", ts: new Date().toISOString() }, "system");
    socket.drop("io server disconnect");
    await jest.advanceTimersByTimeAsync(300);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(socket.connectCalls).toBe(2);
    expect(socket.handshakeToken()).not.toBe(old);
    client.close();
  });

  it("reports a refused refresh, keeps the current token, and takes a new one on the next reconnect", async () => {
    const tokens = [jwtExpiringIn(120, "mine"), jwtExpiringIn(600, "someone-else"), jwtExpiringIn(600, "fresh")];
    const getToken = jest.fn(async () => tokens.shift() ?? "none");
    const { client, socket, errors } = setup({ getToken, socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 200 } });
    await jest.advanceTimersByTimeAsync(1);
    socket.accept();
    const current = socket.handshakeToken();
    await jest.advanceTimersByTimeAsync(60_000);
    socket.lastRequest("auth:refresh").ack({ ok: false, error: { code: "forbidden", message: "a refreshed token must be for the same subject" } });
    await jest.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([{ code: "forbidden", message: "a refreshed token must be for the same subject" }]);
    expect(socket.handshakeToken()).toBe(current);
    socket.drop("io server disconnect");
    await jest.advanceTimersByTimeAsync(300);
    expect(getToken).toHaveBeenCalledTimes(3);
    expect(socket.handshakeToken()).not.toBe(current);
    client.close();
  });

  it("after a revoked notice, reconnects only with a different token, else goes offline", async () => {
    const same = jwtExpiringIn(3600, "same");
    const { client, socket, errors } = setup({ getToken: async () => same, socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 200 } });
    await jest.advanceTimersByTimeAsync(1);
    socket.accept();
    socket.push({ type: "revoked", message: "your access was revoked", ts: new Date().toISOString() }, "system");
    socket.drop("io server disconnect");
    await jest.advanceTimersByTimeAsync(60_000);
    expect(socket.connectCalls).toBe(1);
    expect(client.state).toBe("offline");
    expect(errors).toEqual([{ code: "unauthorized", message: "the token was revoked" }]);
    client.close();

    const tokens = [jwtExpiringIn(3600, "old"), jwtExpiringIn(3600, "new")];
    const second = setup({ getToken: async () => tokens.shift() ?? "none", socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 200 } });
    await jest.advanceTimersByTimeAsync(1);
    second.socket.accept();
    second.socket.push({ type: "revoked", message: "your access was revoked", ts: new Date().toISOString() }, "system");
    second.socket.drop("io server disconnect");
    await jest.advanceTimersByTimeAsync(300);
    expect(second.socket.connectCalls).toBe(2);
    second.client.close();
  });
});
