/**
 * A fake ClientSocket for unit tests: records emits, lets the test play the server
 * (accept, drop, refuse, push events, ack requests). Not exported by the package.
 */
import type { EventEnvelope, SystemNotice } from "@roomcast/protocol";
import type { ClientSocket, RequestEvent, SocketFactory, SocketFactoryOptions } from "../socket";

export interface Emitted {
  event: RequestEvent;
  payload: Record<string, unknown>;
  ack: (result: unknown) => void;
}

type Listener = (...args: never[]) => void;

export class FakeSocket implements ClientSocket {
  connected = false;
  active = false;
  sendBuffer: Array<{ data?: unknown }> = [];
  /** Simulates socket.io buffering emits while its ping has expired. */
  bufferEmits = false;
  connectCalls = 0;
  disconnectCalls = 0;
  readonly emitted: Emitted[] = [];
  private readonly listeners = new Map<string, Listener[]>();
  private readonly managerListeners = new Map<string, Listener[]>();

  constructor(
    readonly url: string,
    readonly options: SocketFactoryOptions,
  ) {}

  readonly io = {
    on: (event: string, listener: Listener): unknown => add(this.managerListeners, event, listener),
    off: (): unknown => this.managerListeners.clear(),
  };

  connect(): unknown {
    this.connectCalls += 1;
    this.active = true;
    return this;
  }

  disconnect(): unknown {
    this.disconnectCalls += 1;
    this.active = false;
    if (this.connected) {
      this.connected = false;
      this.fire("disconnect", "io client disconnect");
    }
    return this;
  }

  emit(event: RequestEvent, payload: object, ack: (result: unknown) => void): unknown {
    if (this.bufferEmits) this.sendBuffer.push({ data: [event, payload] });
    this.emitted.push({ event, payload: payload as Record<string, unknown>, ack });
    return this;
  }

  on(event: string, listener: Listener): unknown {
    return add(this.listeners, event, listener);
  }

  off(): unknown {
    this.listeners.clear();
    return this;
  }

  // ---- the test plays the server ----

  /** The token the handshake would carry (the SDK's auth callback). */
  handshakeToken(): string | undefined {
    let token: string | undefined;
    this.options.auth((data) => {
      token = data.token;
    });
    return token;
  }

  accept(): void {
    this.connected = true;
    this.active = true;
    this.bufferEmits = false;
    this.fire("connect");
  }

  drop(reason = "transport close"): void {
    this.connected = false;
    if (reason === "io server disconnect") this.active = false;
    this.fire("disconnect", reason);
  }

  refuse(code: string | undefined, message = "refused"): void {
    this.connected = false;
    this.active = false;
    this.fire("connect_error", Object.assign(new Error(message), code === undefined ? {} : { data: { code } }));
  }

  transportError(): void {
    this.fire("connect_error", new Error("xhr poll error"));
  }

  push(envelope: EventEnvelope | SystemNotice, event: "event" | "system" = "event"): void {
    this.fire(event, envelope);
  }

  /** A presence or typing event from the server (raw: the SDK parses it). */
  pushEphemeral(event: "presence" | "typing", payload: unknown): void {
    this.fire(event, payload);
  }

  managerEvent(event: "reconnect_failed"): void {
    for (const listener of this.managerListeners.get(event) ?? []) (listener as () => void)();
  }

  requests(event: RequestEvent): Emitted[] {
    return this.emitted.filter((e) => e.event === event);
  }

  lastRequest(event: RequestEvent): Emitted {
    const last = this.requests(event).at(-1);
    if (last === undefined) throw new Error(`no ${event} was emitted`);
    return last;
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) (listener as (...a: unknown[]) => void)(...args);
  }
}

function add(map: Map<string, Listener[]>, event: string, listener: Listener): unknown {
  map.set(event, [...(map.get(event) ?? []), listener]);
  return undefined;
}

/** A factory that records the sockets it creates. */
export function fakeFactory(): { io: SocketFactory; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    io: (url, options) => {
      const socket = new FakeSocket(url, options);
      sockets.push(socket);
      return socket;
    },
  };
}
