/**
 * Relay partitions: stream → `partition_key % partitions` (stream-hash.ts). A relay
 * processes a partition only inside a transaction that holds
 * `pg_try_advisory_xact_lock(RELAY_LOCK_KEY, partition)`: two relays never emit one stream
 * at once, and the lock is released at commit, at rollback, or when a killed relay's
 * connection closes, so another relay takes over without any lease to expire.
 *
 * Every relay of one database must use the same partition count; running relays with
 * different counts would let two of them own one stream.
 */
import type { DbTransaction } from "../db-client";
import { assertPartitions } from "../stream-hash";

/** First key of the two-int advisory lock ("RCRL"); the second is the partition. */
export const RELAY_LOCK_KEY = 0x5243524c;

/** Takes the partition's lock for the rest of `tx`, or returns false if another holds it. */
export async function tryLockPartition(tx: DbTransaction, partition: number, partitions: number): Promise<boolean> {
  assertPartitions(partitions);
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
    throw new RangeError(`partition must be an integer from 0 to ${partitions - 1}`);
  }
  const rows = await tx.$queryRaw<Array<{ locked: boolean }>>`
    SELECT pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}::int, ${partition}::int) AS locked`;
  return rows[0]?.locked === true;
}
