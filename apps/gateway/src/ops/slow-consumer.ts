/**
 * Slow consumers: a client that stops reading must not grow the gateway's memory without
 * bound. What waits to be sent to one connection sits in two places:
 * - Engine.IO's `writeBuffer` (packets queued while the transport is not writable: a
 *   WebSocket whose previous write has not been flushed, or a polling client that has no
 *   GET pending), summed when checked;
 * - for WebSocket, the `ws` socket's own buffer (`bufferedAmount`: the sender queue plus
 *   the TCP socket's unflushed bytes).
 * The sum is compared with the cap once per event-loop turn in which packets were queued
 * (setImmediate), not inside the synchronous burst itself: a relay round or a replay emits
 * many packets in one turn, and a WebSocket transport holds all but the first in
 * `writeBuffer` until its first write completes, even for a fast reader. Over the cap after
 * the burst, `onSlow` is called once and the connection is cut: a `system` notice (best effort: a stalled reader may never see
 * it), the Socket.IO disconnect, the Engine.IO socket closed with its buffer discarded, and
 * the WebSocket terminated (not the close handshake, which would hold the buffered bytes
 * for ws's 30 s close timeout). A client that comes back resumes with `since` as after any
 * disconnect.
 *
 * Cost: one small listener (`packetCreate`) per connection and no other per-connection
 * state; O(1) per packet; one setImmediate per busy turn for the whole gateway, and a check
 * O(queued packets) for each connection that queued something in it.
 */
import type { GatewaySocket } from "../socket/socket-types";

export const SLOW_CONSUMER_REASON = "slow consumer";

export interface SlowConsumerOptions {
  maxBufferedBytes: number;
  onSlow(socket: GatewaySocket, bufferedBytes: number): void;
}

interface WsLike {
  bufferedAmount?: number;
  terminate?(): void;
}

/** Bytes of one queued Engine.IO packet's payload (string or binary). */
export function packetBytes(data: unknown): number {
  if (typeof data === "string") return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/** The raw `ws` socket under an Engine.IO WebSocket transport, if that is the transport. */
function rawWebSocket(transport: { name: string }): WsLike | undefined {
  if (transport.name !== "websocket") return undefined;
  const raw = (transport as { socket?: unknown }).socket;
  return typeof raw === "object" && raw !== null ? (raw as WsLike) : undefined;
}

/** What is buffered for this connection now: queued packets plus the WebSocket's own buffer. */
export function bufferedBytes(queued: number, transport: { name: string }): number {
  return queued + (rawWebSocket(transport)?.bufferedAmount ?? 0);
}

export interface SlowConsumerWatch {
  /** Watches one socket's connection until it closes. */
  watch(socket: GatewaySocket): void;
  /** Drops the pending check (the gateway is closing). */
  close(): void;
}

/** What Engine.IO holds in `writeBuffer` (a private field of its Socket, stable since 1.x). */
function queuedBytes(conn: GatewaySocket["conn"]): number {
  const queued = (conn as unknown as { writeBuffer?: ReadonlyArray<{ data?: unknown }> }).writeBuffer ?? [];
  let bytes = 0;
  for (const packet of queued) bytes += packetBytes(packet.data);
  return bytes;
}

/**
 * One watch for every connection of a gateway: the sockets that queued packets in this turn
 * wait in one set, checked together by one setImmediate.
 */
export function createSlowConsumerWatch(options: SlowConsumerOptions): SlowConsumerWatch {
  const pending = new Set<GatewaySocket>();
  let scheduled: NodeJS.Immediate | undefined;

  const check = (socket: GatewaySocket): void => {
    const conn = socket.conn;
    if (conn.readyState !== "open") return;
    const buffered = bufferedBytes(queuedBytes(conn), conn.transport);
    if (buffered <= options.maxBufferedBytes) return;
    options.onSlow(socket, buffered);
    disconnectSlow(socket, options.maxBufferedBytes);
  };
  const checkPending = (): void => {
    scheduled = undefined;
    const sockets = [...pending];
    pending.clear();
    for (const socket of sockets) check(socket);
  };

  return {
    watch(socket) {
      socket.conn.on("packetCreate", () => {
        pending.add(socket);
        scheduled ??= setImmediate(checkPending);
      });
    },
    close() {
      if (scheduled !== undefined) clearImmediate(scheduled);
      scheduled = undefined;
      pending.clear();
    },
  };
}

function disconnectSlow(socket: GatewaySocket, maxBufferedBytes: number): void {
  const conn = socket.conn;
  socket.emit("system", {
    type: "notice",
    message: `disconnected: ${SLOW_CONSUMER_REASON} (more than ${maxBufferedBytes} bytes waiting to be sent); reconnect and resume`,
    ts: new Date().toISOString(),
  });
  const ws = rawWebSocket(conn.transport);
  socket.disconnect(true);
  // disconnect(true) closes the Engine.IO socket only once its buffer drains, which a stalled
  // reader never lets happen: discard the buffer and drop the TCP connection now.
  conn.close(true);
  ws?.terminate?.();
}
