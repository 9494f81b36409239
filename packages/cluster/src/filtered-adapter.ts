/**
 * `withEventFilter(adapter, options)`: any Socket.IO adapter (the in-memory one of a single
 * node, the sharded or classic Redis adapter of a cluster) plus subscription filters
 * matched on the receiving node.
 *
 * The emitter broadcasts an event to its stream room alone, with the event's facts in an
 * `except` tag (@roomcast/protocol `eventTag`), so the sharded adapter publishes it once on
 * the stream's own channel (`computeChannel` looks at `rooms`, not `except`) and only
 * nodes with a subscriber receive it. Every adapter delivers locally through its `apply`
 * (called by `broadcast` after encoding the packet once): that is where this wraps in,
 * taking the tag out of `except` and keeping the sockets whose filter `accepts` the event.
 * Each kept socket is written the same encoded packet; nothing is parsed or encoded per
 * socket. `apply` is internal to socket.io-adapter (2.5.x), so the wrap is per instance
 * and falls back to the adapter's own behaviour for every call without a tag.
 *
 * Rooms `localOnly` names (markers such as a socket's user, looked up on this node only)
 * are hidden from the adapter's room-creation events, so the sharded adapter does not
 * subscribe a Redis channel for each of them.
 *
 * A node without sockets (a relay process) skips encoding a broadcast's local copy,
 * which it would write to nobody.
 *
 * `onMessageReceived` counts what arrives from Redis for this node (sharded adapter:
 * every raw message on a channel this node subscribes to), the measure of "a node with no
 * subscriber of a stream receives none of its events".
 *
 * `onDelivered` reports each event broadcast written to this node's sockets: its room, how
 * many sockets it was written to, and the packet (`data` is `["event", envelope]`). The
 * packet is the one `_encode` was handed just before `apply` (`broadcast` calls the two in
 * a row, synchronously).
 */
import { parseEventTag, type EventFacts } from "@roomcast/protocol";
import type { Adapter, BroadcastOptions } from "socket.io-adapter";

/** What Socket.IO's `adapter` option takes: a class, or a factory it calls with `new`. */
export type AdapterConstructor = typeof Adapter;

/** The structural view of a socket this module needs (Socket.IO's `Socket`). */
interface FilteredSocket {
  data: unknown;
}

export interface EventFilterOptions<S extends FilteredSocket> {
  /** Whether `socket`, in the stream room `room`, takes an event with these facts. */
  accepts(socket: S, room: string, event: EventFacts): boolean;
  /** One message arrived from Redis on a channel this node subscribes to. */
  onMessageReceived?(): void;
  /**
   * Rooms that mark sockets for this node's own lookups and are never broadcast to (a
   * cluster-wide operation on them goes through the namespace channel): the sharded
   * adapter in dynamic mode is not told they exist, so it subscribes no channel per room.
   */
  localOnly?(room: string): boolean;
  /** An event broadcast (one with a tag) was written to `sockets` sockets of this node in `room`. */
  onDelivered?(room: string, sockets: number, packet: unknown): void;
}

interface AdapterInternals {
  sids: Map<string, unknown>;
  apply(opts: BroadcastOptions, callback: (socket: FilteredSocket) => void): void;
  _encode(packet: unknown, packetOpts: unknown): unknown[];
  onRawMessage?(message: Buffer, channel: Buffer): void;
}

export function withEventFilter<S extends FilteredSocket>(base: AdapterConstructor, options: EventFilterOptions<S>): AdapterConstructor {
  // A plain function: Socket.IO calls `new adapter(nsp)`, and `new` on a function that
  // returns an object yields that object.
  function FilteredAdapter(nsp: unknown): Adapter {
    const adapter = new base(nsp);
    const internals = adapter as unknown as AdapterInternals;
    const apply = internals.apply.bind(adapter);
    let encoded: unknown;
    const { onDelivered } = options;
    internals.apply = (opts, callback) => {
      const tag = findTag(opts.except);
      if (tag === undefined) return apply(opts, callback);
      const except = new Set(opts.except);
      except.delete(tag.room);
      const [room] = opts.rooms;
      const { facts } = tag;
      if (facts === undefined || room === undefined || opts.rooms.size !== 1) return apply({ ...opts, except }, callback);
      let written = 0;
      apply({ ...opts, except }, (socket) => {
        if (!options.accepts(socket as S, room, facts)) return;
        written++;
        callback(socket);
      });
      onDelivered?.(room, written, encoded);
      encoded = undefined;
    };
    // A node with no socket (a relay process) has nobody to write a local broadcast to:
    // skip encoding the packet for it (the Redis message is encoded separately).
    const encode = internals._encode.bind(adapter);
    internals._encode = (packet, packetOpts) => {
      encoded = packet;
      return internals.sids.size === 0 ? [] : encode(packet, packetOpts);
    };
    const { localOnly } = options;
    if (localOnly !== undefined) {
      const emit = adapter.emit.bind(adapter);
      adapter.emit = (event: string | symbol, ...args: unknown[]): boolean =>
        (event === "create-room" || event === "delete-room") && typeof args[0] === "string" && localOnly(args[0]) ? false : emit(event, ...args);
    }
    const onRawMessage = internals.onRawMessage?.bind(adapter);
    const { onMessageReceived } = options;
    if (onRawMessage !== undefined && onMessageReceived !== undefined) {
      internals.onRawMessage = (message, channel) => {
        onMessageReceived();
        onRawMessage(message, channel);
      };
    }
    return adapter;
  }
  return FilteredAdapter as unknown as AdapterConstructor;
}

function findTag(except: Set<string> | undefined): { room: string; facts: EventFacts | undefined } | undefined {
  if (except === undefined || except.size === 0) return undefined;
  for (const room of except) {
    if (room.charCodeAt(0) === 1) return { room, facts: parseEventTag(room) };
  }
  return undefined;
}
