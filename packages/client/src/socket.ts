/**
 * The narrow view of a socket.io-client `Socket` that the SDK uses, so unit tests can
 * inject a fake through `createClient({ io })` and the real typed
 * `Socket<ServerToClientEvents, ClientToServerEvents>` still satisfies it (checked below).
 *
 * Invariants the SDK keeps on the socket it is given:
 * - it is created with `autoConnect: false` and `forceNew: true` (socket.io-client caches
 *   managers per URL at module level; `forceNew` keeps each client's connection its own);
 * - the token travels only in the handshake `auth` payload, never in the query string;
 * - the SDK emits only while `connected`, and empties `sendBuffer` on disconnect, so a
 *   request is never silently replayed by socket.io on the next connection.
 */
import type { ManagerOptions, Socket, SocketOptions } from "socket.io-client";
import type { ClientToServerEvents, EventEnvelope, PresenceEvent, ServerToClientEvents, SystemNotice, TypingEvent } from "@roomcast/protocol";

export type RoomcastSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The events the SDK sends with an acknowledgement. */
export type RequestEvent = "subscribe" | "unsubscribe" | "publish" | "auth:refresh" | "presence" | "typing";

export type AuthCallback = (cb: (data: { token: string }) => void) => void;

export interface ClientSocket {
  readonly connected: boolean;
  /** False once the socket will not reconnect by itself (refused by middleware, server disconnect, closed). */
  readonly active: boolean;
  /** Packets emitted while not connected; socket.io sends them on the next connect. */
  sendBuffer: Array<{ data?: unknown }>;
  connect(): unknown;
  disconnect(): unknown;
  emit(event: RequestEvent, payload: object, ack: (result: unknown) => void): unknown;
  on(event: "connect", listener: () => void): unknown;
  on(event: "disconnect", listener: (reason: string) => void): unknown;
  on(event: "connect_error", listener: (error: Error) => void): unknown;
  on(event: "event", listener: (envelope: EventEnvelope) => void): unknown;
  on(event: "system", listener: (notice: SystemNotice) => void): unknown;
  on(event: "presence", listener: (event: PresenceEvent) => void): unknown;
  on(event: "typing", listener: (event: TypingEvent) => void): unknown;
  off(): unknown;
  readonly io: {
    on(event: "reconnect_attempt", listener: (attempt: number) => void): unknown;
    on(event: "reconnect_failed", listener: () => void): unknown;
    off(): unknown;
    /** The Engine.IO connection; closing it makes socket.io reconnect by itself. */
    readonly engine?: { close(): unknown } | undefined;
  };
}

export type SocketFactoryOptions = Partial<ManagerOptions & SocketOptions> & {
  auth: AuthCallback;
  autoConnect: false;
  forceNew: true;
};

export type SocketFactory = (url: string, options: SocketFactoryOptions) => ClientSocket;

/** Options a caller may pass through to socket.io-client; the SDK owns the rest. */
export type PassThroughSocketOptions = Omit<
  Partial<ManagerOptions & SocketOptions>,
  "auth" | "autoConnect" | "forceNew" | "multiplex" | "query"
>;

// Compile-time proof that the real socket fits the narrow contract.
type Assert<T extends true> = T;
export type RealSocketFits = Assert<RoomcastSocket extends ClientSocket ? true : false>;
