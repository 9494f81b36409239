/**
 * socket.io-client helpers for tests: connect with a token and wait for the outcome, and
 * collect the events a socket receives.
 */
import type { ClientToServerEvents, EventEnvelope, Result, ServerToClientEvents } from "@roomcast/protocol";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { waitFor } from "./wait";

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function openSocket(url: string, token: string | undefined, options: Partial<ManagerOptions & SocketOptions> = {}): TestSocket {
  return io(url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    ...(token === undefined ? {} : { auth: { token } }),
    ...options,
  });
}

export type ConnectOutcome = { connected: true } | { connected: false; message: string; code: string | undefined };

export function connectOutcome(socket: TestSocket, timeoutMs = 5000): Promise<ConnectOutcome> {
  return waitFor<ConnectOutcome>("connect or connect_error", timeoutMs, (resolve) => {
    const onConnect = () => resolve({ connected: true });
    const onError = (error: Error & { data?: { code?: string } }) => resolve({ connected: false, message: error.message, code: error.data?.code });
    socket.once("connect", onConnect);
    socket.once("connect_error", onError);
    return () => {
      socket.off("connect", onConnect);
      socket.off("connect_error", onError);
    };
  });
}

export async function connected(url: string, token: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<TestSocket> {
  const socket = openSocket(url, token, options);
  const outcome = await connectOutcome(socket);
  if (!outcome.connected) throw new Error(`connect failed: ${outcome.message}`);
  return socket;
}

export function request<E extends "subscribe" | "unsubscribe" | "publish" | "auth:refresh">(
  socket: TestSocket,
  event: E,
  payload: unknown,
  timeoutMs = 5000,
): Promise<Result<Record<string, unknown>>> {
  return socket.timeout(timeoutMs).emitWithAck(event as "subscribe", payload) as Promise<Result<Record<string, unknown>>>;
}

export function collect(socket: TestSocket): EventEnvelope[] {
  const received: EventEnvelope[] = [];
  socket.on("event", (e) => received.push(e));
  return received;
}
