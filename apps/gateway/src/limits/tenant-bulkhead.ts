/**
 * A bulkhead per tenant in front of the database: at most `concurrency` catch-up reads and
 * publishes of one tenant run at once on this node; more wait in that tenant's FIFO queue,
 * and past `queueLimit` waiting they are refused (TenantBusyError → `rate_limited`) at once.
 *
 * Why: every tenant's writes share one connection pool (10 by default), and a tenant's
 * events on one stream serialise on that stream's row lock. Without this, one tenant's
 * burst (a flood's first 50 events of each window, times its sockets) takes every pooled
 * connection while it waits on its own lock, and every other tenant's publish waits behind
 * it. With it, a tenant can hold at most `concurrency` connections; the others stay free.
 */
import { parseStream } from "@roomcast/protocol";
import type { StreamStore } from "../stream-store";

export class TenantBusyError extends Error {
  override name = "TenantBusyError";
  constructor() {
    super("too many storage requests in flight for this tenant");
  }
}

export interface BulkheadOptions {
  concurrency: number;
  queueLimit: number;
}

export const BULKHEAD_DEFAULTS: BulkheadOptions = { concurrency: 4, queueLimit: 256 };

export function withTenantBulkhead(store: StreamStore, options: BulkheadOptions = BULKHEAD_DEFAULTS): StreamStore {
  const lanes = new Map<string, { running: number; waiting: Array<() => void> }>();

  const run = async <T>(tenant: string, work: () => Promise<T>): Promise<T> => {
    let lane = lanes.get(tenant);
    if (lane === undefined) lanes.set(tenant, (lane = { running: 0, waiting: [] }));
    if (lane.running >= options.concurrency) {
      if (lane.waiting.length >= options.queueLimit) throw new TenantBusyError();
      const current = lane;
      // Resolved by a finishing call, which hands its slot over (`running` stays the same).
      await new Promise<void>((resolve) => current.waiting.push(resolve));
    } else {
      lane.running += 1;
    }
    try {
      return await work();
    } finally {
      const next = lane.waiting.shift();
      if (next !== undefined) next();
      else {
        lane.running -= 1;
        if (lane.running === 0) lanes.delete(tenant);
      }
    }
  };

  return {
    catchUp: (stream, since) => run(parseStream(stream)?.tenant ?? "", () => store.catchUp(stream, since)),
    publish: (events) => run(events[0]?.tenant ?? "", () => store.publish(events)),
    ping: () => store.ping(),
    // A catalog read, cached per node: not tenant work worth a lane.
    isWatched: (table) => store.isWatched(table),
  };
}
