/**
 * Requester: acknowledged emits with a timeout, over one ClientSocket.
 *
 * Every request settles exactly once, with one of:
 * - `ack`: the server answered (parsed by wire.ts; a malformed answer is an `internal` error);
 * - `timeout`: no answer within `timeoutMs` while connected — the server may have acted;
 * - `disconnected`: the connection dropped first. `sent` is false only when the packet
 *   provably never left (it was still in socket.io's `sendBuffer`), so it is safe to resend;
 * - `closed`: the client was closed.
 *
 * Invariants: nothing is emitted while the socket is not connected (the request settles
 * `disconnected, sent: false` at once); on disconnect, socket.io's `sendBuffer` is emptied
 * so no stale request is replayed by socket.io on the next connection; a late ack for a
 * settled request is ignored. `close()` clears every timer this instance started.
 */
import { parseAck, type AckResults } from "./wire";
import type { ClientSocket } from "./socket";
import type { Result } from "@roomcast/protocol";

export type RequestOutcome<T extends object> =
  | { kind: "ack"; result: Result<T> }
  | { kind: "timeout" }
  | { kind: "disconnected"; sent: boolean }
  | { kind: "closed" };

interface PendingRequest {
  payload: object;
  timer: ReturnType<typeof setTimeout>;
  settle(outcome: RequestOutcome<object>): void;
}

export class Requester {
  private readonly pending = new Set<PendingRequest>();
  private closed = false;

  constructor(
    private readonly socket: ClientSocket,
    private readonly timeoutMs: number,
  ) {}

  send<E extends keyof AckResults>(event: E, payload: object): Promise<RequestOutcome<AckResults[E]>> {
    if (this.closed) return Promise.resolve({ kind: "closed" });
    if (!this.socket.connected) return Promise.resolve({ kind: "disconnected", sent: false });
    return new Promise((resolve) => {
      const request: PendingRequest = {
        payload,
        timer: setTimeout(() => finish({ kind: "timeout" }), this.timeoutMs),
        settle: (outcome) => finish(outcome as RequestOutcome<AckResults[E]>),
      };
      const finish = (outcome: RequestOutcome<AckResults[E]>): void => {
        if (!this.pending.delete(request)) return;
        clearTimeout(request.timer);
        resolve(outcome);
      };
      this.pending.add(request);
      this.socket.emit(event, payload, (raw) => finish({ kind: "ack", result: parseAck(event, raw) }));
    });
  }

  /** Call from the socket's `disconnect` listener, before socket.io flushes anything. */
  disconnected(): void {
    const unsent = new Set<unknown>();
    for (const packet of this.socket.sendBuffer) {
      if (Array.isArray(packet.data)) unsent.add(packet.data[1]);
    }
    this.socket.sendBuffer.length = 0;
    for (const request of [...this.pending]) {
      request.settle({ kind: "disconnected", sent: !unsent.has(request.payload) });
    }
  }

  close(): void {
    this.closed = true;
    for (const request of [...this.pending]) request.settle({ kind: "closed" });
  }
}
