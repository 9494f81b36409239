/**
 * @roomcast/db: the Prisma client factory (PostgreSQL or PGlite), the migrator, the
 * outbox writer and the outbox queries the relay and the gateway share.
 * Test helpers live in "@roomcast/db/testing" and are not exported here.
 */
export { createDb, type Db, type DbOptions, type DbTarget, type Listener } from "./create-db";
export type { DbClient, DbTransaction } from "./db-client";
export { Prisma, PrismaClient } from "./generated/prisma/client";
export type { Tenant, Stream, StreamCursor, OutboxEvent, OutboxPending, RelayMember } from "./generated/prisma/client";
export { migrate, type MigrateOptions, type MigrateResult, type MigrateTarget } from "./migrate/migrate";
export { pendingMigrations } from "./migrate/pending-migrations";
export { silentLogger, type Logger } from "./logger";
export { DataDirLockedError, lockPgliteDir, type DataDirLock } from "./pglite-lock";
export { OUTBOX_CHANNEL } from "./notify-channel";
export { partitionKey, partitionOf } from "./stream-hash";
export { InvalidEventError, prepareEvent, type OutboxEventInput } from "./event-input";
export { MAX_PUBLISH_BATCH, publish, publishMany, type PublishedEvent } from "./publish";
export { buildEnvelope, placeholderFor, toEnvelope, type Built, type StoredEvent } from "./outbox/outbox-row";
export { MAX_READ_LIMIT, readStream, type ReadStreamOptions } from "./outbox/read-stream";
export { canReplayFrom, streamPosition, type StreamPosition } from "./outbox/stream-position";
export {
  createRelayOutbox,
  RELAY_LOCK_KEY,
  RELAY_PARTITIONS,
  type PendingEvent,
  type PendingRef,
  type RelayOutbox,
  type RelayRound,
} from "./outbox/relay-outbox";
export { listQuarantined, MAX_QUARANTINE_LIST, type QuarantinedEvent, type QuarantineQuery } from "./outbox/quarantine";
export {
  MAX_REDRIVE,
  redriveQuarantined,
  REDRIVE_REFUSALS,
  type RedrivenEvent,
  type RedriveRefusal,
  type RedriveRefusalReason,
  type RedriveResult,
  type RedriveSelection,
} from "./outbox/redrive";
export { deleteExpiredEvents, type RetentionOptions, type RetentionResult } from "./outbox/retention";
export { outboxBacklog, type OutboxBacklog } from "./outbox/backlog";
export { isTableWatched } from "./watch-table/watched";
export { claimKey, deleteExpiredKeys, IdempotencyConflictError, recordResult, requestFingerprint, type Claim, type KeyRef } from "./idempotency";
export type { User, ChatSession, ChatMessage, Document, JobLease } from "./generated/prisma/client";
export { ChatStatus } from "./generated/prisma/enums";
