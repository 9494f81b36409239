/**
 * Every inbound Socket.IO packet is bounded (nesting depth, element count: MAX_DEPTH and
 * MAX_ELEMENTS from @roomcast/protocol) the moment it is decoded, before anything walks or
 * re-encodes it a second time: the Admin UI's development-mode mirror (`socket.onAny`, which
 * runs before any `socket.use` middleware), the rate limiter, zod. Without it one frame
 * nested ~5,000 deep ended the process with `RangeError: Maximum call stack size exceeded`.
 *
 * Where: a parser for the Server's `parser` option. `BoundedDecoder` wraps socket.io-parser's
 * own Decoder (the same wire format; its `maxAttachments` of 10 stays) and checks each packet
 * it emits. Socket.IO's Client builds one decoder per connection and calls only `add`,
 * `destroy` and the `decoded` event. (Wrapped rather than subclassed: the library emits
 * `decoded` through `super.emitReserved`, which a subclass cannot intercept.)
 *
 * What an over-limit packet becomes:
 * - an EVENT: the same packet id with its arguments replaced by
 *   `[REFUSED_EVENT, { event, code: "payload_too_large", message }]`. `refuseOversizedEvents`
 *   (the first `socket.use` middleware) answers its ack with that error and stops it, so no
 *   handler and no rate limiter sees it; the Admin UI mirrors only this small stand-in. The
 *   stand-in carries a Symbol mark a client cannot send, so a client emitting an event
 *   named REFUSED_EVENT is treated as any unknown event.
 * - anything else (a CONNECT's auth object, an ACK's arguments): the decoder throws, and
 *   Socket.IO closes that connection as for any malformed packet ("parse error").
 * A frame over `maxHttpBufferSize` (ROOMCAST_MAX_PAYLOAD_BYTES) never reaches a decoder:
 * Engine.IO closes the WebSocket (close code 1009) or answers the polling POST with 413, and
 * the client sees its transport fail (disconnect reason `transport close` / `transport error`).
 */
import { DEFAULT_BOUNDS, err, measure, type Bounds } from "@roomcast/protocol";
import { EventEmitter } from "node:events";
import { Decoder, Encoder, PacketType, type Packet } from "socket.io-parser";
import type { GatewaySocket } from "./socket-types";

/** The stand-in event name (what the Admin UI shows for a refused event). */
export const REFUSED_EVENT = "roomcast:refused";
const REFUSED_MARK = Symbol("roomcast.refused");
const EVENT_NAME_CHARS = 64;

export interface Refusal {
  /** The refused event's name (cut to 64 characters), if it had a string name. */
  event: string | undefined;
  code: "payload_too_large";
  message: string;
  exceeded: "depth" | "elements";
}

type MarkedRefusal = Refusal & { [REFUSED_MARK]: true };

/** The stand-in for an over-limit packet, or the packet itself. Throws for non-events. */
export function boundPacket(packet: Packet, bounds: Readonly<Bounds> = DEFAULT_BOUNDS): Packet {
  if (packet.data === undefined) return packet;
  const measured = measure(packet.data, bounds);
  if (measured.ok) return packet;
  if (packet.type !== PacketType.EVENT) throw new Error(`${PacketType[packet.type] ?? "packet"} payload ${measured.message}`);
  const name: unknown = Array.isArray(packet.data) ? packet.data[0] : undefined;
  const refusal: MarkedRefusal = {
    event: typeof name === "string" ? name.slice(0, EVENT_NAME_CHARS) : undefined,
    code: "payload_too_large",
    message: `payload ${measured.message}`,
    exceeded: measured.exceeded,
    [REFUSED_MARK]: true,
  };
  return { type: PacketType.EVENT, nsp: packet.nsp, ...(packet.id === undefined ? {} : { id: packet.id }), data: [REFUSED_EVENT, refusal] };
}

/** socket.io-parser with every decoded packet bounded; pass as the Server's `parser`. */
export function boundedParser(bounds: Readonly<Bounds> = DEFAULT_BOUNDS): { Encoder: typeof Encoder; Decoder: new () => BoundedDecoder } {
  return {
    Encoder,
    Decoder: class extends BoundedDecoder {
      constructor() {
        super(bounds);
      }
    },
  };
}

export class BoundedDecoder extends EventEmitter {
  private readonly inner = new Decoder();

  constructor(bounds: Readonly<Bounds>) {
    super();
    this.inner.on("decoded", (packet: Packet) => this.emit("decoded", boundPacket(packet, bounds)));
  }

  add(chunk: unknown): void {
    this.inner.add(chunk);
  }

  destroy(): void {
    this.inner.destroy();
    this.inner.off("decoded");
  }
}

function refusalIn(packet: readonly unknown[]): Refusal | undefined {
  const candidate = packet[1];
  if (packet[0] !== REFUSED_EVENT || typeof candidate !== "object" || candidate === null) return undefined;
  return (candidate as Partial<MarkedRefusal>)[REFUSED_MARK] === true ? (candidate as Refusal) : undefined;
}

/**
 * The socket's first middleware: answers a refused event's ack with its error and stops it.
 * `onRefused` gets the refusal, how many this socket has had (log the first loudly) and the
 * socket, so that one function can serve every socket.
 */
export function refuseOversizedEvents(socket: GatewaySocket, onRefused: (refusal: Refusal, count: number, socket: GatewaySocket) => void): void {
  let count = 0;
  socket.use((packet, next) => {
    const refusal = refusalIn(packet);
    if (refusal === undefined) return next();
    count++;
    onRefused(refusal, count, socket);
    const ack: unknown = packet[packet.length - 1];
    if (typeof ack === "function") (ack as (result: unknown) => void)(err(refusal.code, `${refusal.event ?? "event"}: ${refusal.message}`));
  });
}
