/**
 * Slow consumers: a client that stops reading must not grow the gateway's memory without
 * bound. What waits to be sent to one connection sits in two places:
 * - Engine.IO's `writeBuffer` (packets queued while the transport is not writable: a
 *   WebSocket whose previous write has not been flushed, or a polling client that has no
 *   GET pending) — counted here as packets are queued (`packetCreate`) and reset when the
 *   buffer is handed to the transport (`flush`);
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
 * Cost: one listener per connection, O(1) per packet and one check per busy turn.
 */
import type { GatewaySocket } from "../socket/socket-types";

export const SLOW_CONSUMER_REASON = "slow consumer";

export interface SlowConsumerOptions {
  maxBufferedBytes: number;
  onSlow(bufferedBytes: number): void;
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

export function watchSlowConsumer(socket: GatewaySocket, options: SlowConsumerOptions): void {
  const conn = socket.conn;
  let queued = 0;
  let cut = false;
  let pending: NodeJS.Immediate | undefined;
  const check = (): void => {
    pending = undefined;
    if (cut || conn.readyState !== "open") return;
    const buffered = bufferedBytes(queued, conn.transport);
    if (buffered <= options.maxBufferedBytes) return;
    cut = true;
    options.onSlow(buffered);
    disconnectSlow(socket, options.maxBufferedBytes);
  };
  const onPacket = (packet: { data?: unknown }): void => {
    if (cut) return;
    queued += packetBytes(packet.data);
    pending ??= setImmediate(check);
  };
  const onFlush = (): void => {
    queued = 0;
  };
  conn.on("packetCreate", onPacket);
  conn.on("flush", onFlush);
  conn.once("close", () => {
    if (pending !== undefined) clearImmediate(pending);
    conn.off("packetCreate", onPacket);
    conn.off("flush", onFlush);
  });
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
