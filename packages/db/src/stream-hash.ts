/**
 * Stable stream → partition mapping for relays.
 *
 * Invariant: `partitionKey(name)` depends on the name's UTF-8 bytes only (FNV-1a, 32 bit,
 * top bit dropped so it fits a PostgreSQL `integer`), never on the process, platform or
 * PostgreSQL version. It is stored with every stream and outbox row at publish time; the
 * partition count P is chosen by the relays at run time (`partition_key % P`), so P can
 * change without rewriting rows.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

export function partitionKey(stream: string): number {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(stream)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return (hash >>> 0) & 0x7fffffff;
}

/** The relay partition (0 … partitions-1) a stream belongs to. */
export function partitionOf(stream: string, partitions: number): number {
  assertPartitions(partitions);
  return partitionKey(stream) % partitions;
}

export function assertPartitions(partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1 << 16) {
    throw new RangeError("partitions must be an integer between 1 and 65536");
  }
}
