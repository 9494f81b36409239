/**
 * Where the relay sends events: a Socket.IO server's rooms. In the single-node default
 * that is the gateway's own server; a relay process uses a server with no HTTP listener
 * and the Redis adapter, so each broadcast reaches the nodes subscribed to its stream.
 *
 * `flush()` resolves once everything emitted so far has left this process: for the Redis
 * adapter a PING on the publishing connection, answered only after every earlier
 * PUBLISH/SPUBLISH on it; it rejects while Redis is unreachable, so the relay does not
 * mark events published that may not have gone out.
 */
import { eventTag, type EventEnvelope, type ServerToClientEvents } from "@roomcast/protocol";
import type { Server } from "socket.io";

export interface RelayEmitter {
  emit(envelope: EventEnvelope): void;
  flush(): Promise<void>;
}

export function serverEmitter(io: Server<Record<string, never>, ServerToClientEvents>, flush: () => Promise<unknown> = async () => undefined): RelayEmitter {
  return {
    emit(envelope) {
      // One room, so the sharded adapter publishes on the stream's own channel; the tag lets
      // each receiving node match subscription filters (protocol filters.ts).
      io.to(envelope.stream).except(eventTag(envelope)).emit("event", envelope);
    },
    async flush() {
      await flush();
    },
  };
}
