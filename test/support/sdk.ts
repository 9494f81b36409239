/**
 * SDK helpers for delivery tests: a client whose connection the test can take away and
 * give back (the SDK's own reconnect is held while away), and an app-side recorder that
 * checks what reached the application: every offset once, in order.
 */
import { createClient, type RoomcastClient, type SocketFactory } from "@roomcast/client";
import type { EventEnvelope, SubscribeRequest } from "@roomcast/protocol";
import { io } from "socket.io-client";
import { until } from "@roomcast/gateway/testing";

export interface HoldableClient {
  client: RoomcastClient;
  /** Every event that arrived on the wire, duplicates included. */
  wire: EventEnvelope[];
  /** Disconnects and keeps the SDK from reconnecting until `back()`. */
  away(): void;
  back(): void;
  /** Drops the transport without holding: socket.io reconnects by itself. */
  dropTransport(): void;
}

export function holdableClient(url: string, token: string): HoldableClient {
  let held = false;
  let raw: ReturnType<typeof io> | undefined;
  let connectWhenBack = false;
  const wire: EventEnvelope[] = [];
  const factory: SocketFactory = (target, options) => {
    const socket = io(target, { ...options, transports: ["websocket"] });
    const connect = socket.connect.bind(socket);
    socket.connect = () => {
      if (held) connectWhenBack = true;
      else connect();
      return socket;
    };
    socket.on("event", (e: EventEnvelope) => wire.push(e));
    raw = socket;
    return socket;
  };
  const client = createClient({ url, token, io: factory, resyncTimeoutMs: 2000, socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 500 } });
  return {
    client,
    wire,
    away() {
      held = true;
      raw?.disconnect();
    },
    back() {
      held = false;
      if (connectWhenBack) {
        connectWhenBack = false;
        raw?.connect();
      }
    },
    dropTransport() {
      raw?.io.engine?.close();
    },
  };
}

export interface AppRecorder {
  events: EventEnvelope[];
  offsets(): number[];
  /** Waits until the app has `count` events of the stream. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  /** Asserts offsets are exactly from+1 … from+count, each once, in order. */
  assertContiguous(from: number, count: number): void;
}

export function recordInto(client: RoomcastClient, request: SubscribeRequest): AppRecorder & { ready: ReturnType<RoomcastClient["subscribe"]>["ready"] } {
  const events: EventEnvelope[] = [];
  const subscription = client.subscribe(request, (e) => events.push(e));
  return {
    ready: subscription.ready,
    events,
    offsets: () => events.map((e) => e.offset),
    waitFor: (count, timeoutMs = 30_000) => until(`${count} events at the app (have ${events.length})`, timeoutMs, () => events.length >= count),
    assertContiguous(from, count) {
      const offsets = events.map((e) => e.offset);
      const expected = Array.from({ length: count }, (_, i) => from + i + 1);
      if (offsets.length !== expected.length || offsets.some((o, i) => o !== expected[i])) {
        const firstBad = offsets.findIndex((o, i) => o !== expected[i]);
        throw new Error(`app saw ${offsets.length} events, expected ${count}; first difference at index ${firstBad}: ${offsets.slice(Math.max(0, firstBad - 3), firstBad + 3).join(",")}`);
      }
    },
  };
}
