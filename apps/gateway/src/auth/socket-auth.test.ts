import type { Principal, TokenGrant } from "@roomcast/protocol";
import pino from "pino";
import type { GatewaySocket } from "../socket/socket-types";
import type { AuthOutcome, Authenticator } from "./authenticator";
import { createSocketAuth } from "./socket-auth";

type Listener = (this: unknown, ...args: unknown[]) => void;

/** A socket as far as socket-auth uses it; listeners are called with the socket as `this`, as Node does. */
function fakeSocket(principal: Principal, grant: TokenGrant) {
  const listeners = new Map<string, Listener[]>();
  const socket = {
    id: `s-${principal.sub}`,
    connected: true,
    data: { principal, grant, filters: {} },
    rooms: new Set<string>(),
    emitted: [] as unknown[],
    join(rooms: string | string[]) {
      for (const room of [rooms].flat()) this.rooms.add(room);
      return Promise.resolve();
    },
    leave(room: string) {
      this.rooms.delete(room);
      return Promise.resolve();
    },
    emit(event: string, body: unknown) {
      this.emitted.push([event, body]);
      return true;
    },
    on(event: string, listener: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return this;
    },
    disconnect() {
      this.connected = false;
      for (const listener of listeners.get("disconnect") ?? []) listener.call(socket, "server namespace disconnect");
      return this;
    },
    fire(event: string, ...args: unknown[]) {
      for (const listener of listeners.get(event) ?? []) listener.call(socket, ...args);
    },
  };
  return socket;
}

const agent = (sub: string): Principal => ({ tenant: "acme", sub, role: "agent" });
const nowSeconds = () => Math.floor(Date.now() / 1000);
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe("createSocketAuth", () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(new Date("2026-01-01T00:00:00Z"));
  });
  afterEach(() => jest.useRealTimers());

  const setup = (outcome?: (token: unknown) => AuthOutcome) => {
    const authenticator: Authenticator = {
      authenticate: ({ socketToken }) => Promise.resolve(outcome?.(socketToken) ?? { ok: false, error: { code: "unauthorized", message: "no" } }),
    };
    const expired: string[] = [];
    const logger = pino({ level: "silent" });
    const auth = createSocketAuth({ authenticator, logOf: () => logger, onExpired: (socket) => expired.push(socket.id) });
    return { auth, expired };
  };
  const attach = (auth: ReturnType<typeof setup>["auth"], socket: ReturnType<typeof fakeSocket>) => auth.attach(socket as unknown as GatewaySocket);

  it("joins the auth rooms, then at exp sends token_expired and disconnects, with one timer for all sockets", () => {
    const { auth, expired } = setup();
    const a = fakeSocket(agent("a"), { exp: nowSeconds() + 2, jti: "t1" });
    const b = fakeSocket(agent("b"), { exp: nowSeconds() + 3 });
    attach(auth, a);
    attach(auth, b);
    expect([...a.rooms]).toEqual(["#user:acme:a", "#token:acme:t1"]);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(1999);
    expect(a.connected).toBe(true);
    jest.advanceTimersByTime(1);
    expect(a.connected).toBe(false);
    expect(a.emitted).toEqual([["system", expect.objectContaining({ type: "token_expired" })]]);
    expect(b.connected).toBe(true);
    jest.advanceTimersByTime(1000);
    expect(b.connected).toBe(false);
    expect(expired).toEqual(["s-a", "s-b"]);
    expect(auth.watched()).toBe(0);
    auth.close();
  });

  it("forgets a socket that disconnects before its exp", () => {
    const { auth, expired } = setup();
    const a = fakeSocket(agent("a"), { exp: nowSeconds() + 2 });
    attach(auth, a);
    a.disconnect();
    expect(auth.watched()).toBe(0);
    jest.advanceTimersByTime(5000);
    expect(expired).toEqual([]);
    expect(a.emitted).toEqual([]);
  });

  it("a refresh moves the socket to its new exp and swaps its token room", async () => {
    const { auth, expired } = setup((token) => (token === "fresh" ? { ok: true, principal: agent("a"), grant: { exp: nowSeconds() + 60, iat: nowSeconds(), jti: "t2" } } : { ok: false, error: { code: "unauthorized", message: "no" } }));
    const a = fakeSocket(agent("a"), { exp: nowSeconds() + 2, jti: "t1" });
    attach(auth, a);
    const ack = jest.fn();
    a.fire("auth:refresh", { token: "fresh" }, ack);
    await flush();
    expect(ack).toHaveBeenCalledWith({ ok: true, exp: nowSeconds() + 60 });
    expect([...a.rooms].sort()).toEqual(["#token:acme:t2", "#user:acme:a"]);
    jest.advanceTimersByTime(2000);
    expect(a.connected).toBe(true);
    jest.advanceTimersByTime(58_000);
    expect(a.connected).toBe(false);
    expect(expired).toEqual(["s-a"]);
  });

  it("a refused refresh (another subject) changes nothing: the socket still ends at its exp", async () => {
    const { auth } = setup(() => ({ ok: true, principal: agent("mallory"), grant: { exp: nowSeconds() + 60, iat: nowSeconds(), jti: undefined } }));
    const a = fakeSocket(agent("a"), { exp: nowSeconds() + 2 });
    attach(auth, a);
    const ack = jest.fn();
    a.fire("auth:refresh", { token: "other" }, ack);
    await flush();
    expect(ack).toHaveBeenCalledWith({ ok: false, error: expect.objectContaining({ code: "forbidden" }) });
    jest.advanceTimersByTime(2000);
    expect(a.connected).toBe(false);
  });

  it("close() stops the expiry timer", () => {
    const { auth } = setup();
    attach(auth, fakeSocket(agent("a"), { exp: nowSeconds() + 2 }));
    auth.close();
    expect(jest.getTimerCount()).toBe(0);
  });
});
