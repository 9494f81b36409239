/**
 * The retention worker: every `intervalMs`, deletes published events older than
 * `retentionMs` or more than `maxPerStream` behind their stream's head, in batches
 * (@roomcast/db deleteExpiredEvents), and publish idempotency keys older than the same
 * window (a client cannot retry a publish for longer than it can catch up). Deleting is
 * idempotent, so several relays may run it; a failure is logged and retried at the next
 * interval.
 */
import { deleteExpiredEvents, deleteExpiredKeys, type Db } from "@roomcast/db";
import type { Logger } from "pino";
import { sleep } from "./timing";

export interface RetentionWorkerOptions {
  retentionMs: number;
  maxPerStream: number;
  intervalMs?: number;
  /** The clock, in epoch milliseconds (tests move it forward). */
  now?: () => number;
}

export function createRetentionWorker(deps: { db: Db; logger: Logger }, options: RetentionWorkerOptions) {
  const logger = deps.logger.child({ worker: "retention" });
  const intervalMs = options.intervalMs ?? Math.min(60_000, Math.max(1000, options.retentionMs / 10));

  async function once(signal?: AbortSignal): Promise<number> {
    const before = new Date((options.now ?? Date.now)() - options.retentionMs);
    const keys = await deleteExpiredKeys(deps.db.prisma, before);
    if (keys > 0) logger.info({ deleted: keys }, "expired idempotency keys deleted");
    const result = await deleteExpiredEvents(deps.db.prisma, {
      before,
      maxPerStream: options.maxPerStream,
      ...(signal ? { signal } : {}),
    });
    if (result.deleted > 0) logger.info({ deleted: result.deleted, complete: result.complete }, "expired events deleted");
    return result.deleted;
  }

  async function run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await once(signal).catch((error: unknown) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, "retention run failed"));
      await sleep(intervalMs, signal);
    }
  }

  return { run, once };
}
