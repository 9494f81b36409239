/**
 * Caps the open Engine.IO connections one client address may hold on this node. The count
 * lives on the instance and follows the engine's own connection/close events, so it cannot
 * drift when a handshake fails halfway.
 */
import type { IncomingMessage } from "node:http";

export interface ConnectionLimit {
  /** Whether a new connection from this request's address is allowed now. */
  admits(req: IncomingMessage): boolean;
  /** Counts an accepted connection; call the returned function when it closes. */
  track(req: IncomingMessage): () => void;
}

export function createConnectionLimit(max: number, addressOf: (req: IncomingMessage) => string): ConnectionLimit {
  const open = new Map<string, number>();
  return {
    admits: (req) => (open.get(addressOf(req)) ?? 0) < max,
    track(req) {
      const address = addressOf(req);
      open.set(address, (open.get(address) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (open.get(address) ?? 1) - 1;
        if (left <= 0) open.delete(address);
        else open.set(address, left);
      };
    },
  };
}
