/**
 * Where the relay sends events: a Socket.IO server's rooms. In the single-node default
 * that is the gateway's own server; a relay process uses a server with no HTTP listener
 * and the Redis adapter, so its broadcasts reach every node.
 *
 * `flush()` resolves once everything emitted so far has left this process: for the Redis
 * adapter a PING on the publishing connection, answered only after every earlier
 * PUBLISH/SPUBLISH on it; it rejects while Redis is unreachable, so the relay does not
 * mark events published that may not have gone out.
 */
import { deliveryRooms, type EventEnvelope, type ServerToClientEvents } from "@roomcast/protocol";
import type { Server } from "socket.io";

export interface RelayEmitter {
  emit(envelope: EventEnvelope): void;
  flush(): Promise<void>;
}

export function serverEmitter(io: Server<Record<string, never>, ServerToClientEvents>, flush: () => Promise<unknown> = async () => undefined): RelayEmitter {
  return {
    emit(envelope) {
      io.to(deliveryRooms(envelope.stream, envelope.type, envelope.priority)).emit("event", envelope);
    },
    async flush() {
      await flush();
    },
  };
}
