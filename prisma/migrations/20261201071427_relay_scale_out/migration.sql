-- Relays that scale out (issue 8): the relay's work list moves out of outbox_events into
-- outbox_pending (written by trigger, deleted when published), relays register in
-- relay_members to split the partitions, and outbox_events refuses at insert time what the
-- relay could never emit. Hand-edited after `db:migration:new`: the backfill must run
-- before published_at is dropped, and Prisma's schema cannot express the trigger or the
-- CHECK constraints.

-- CreateTable
CREATE TABLE "outbox_pending" (
    "seq" BIGSERIAL NOT NULL,
    "partition" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "stream_offset" BIGINT NOT NULL,

    CONSTRAINT "outbox_pending_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "relay_members" (
    "id" TEXT NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "relay_members_pkey" PRIMARY KEY ("id")
);

-- Backfill: every event not yet emitted nor quarantined, in stream order.
INSERT INTO "outbox_pending" ("partition", "stream", "stream_offset")
SELECT "partition_key" % 64, "stream", "stream_offset" FROM "outbox_events"
WHERE "published_at" IS NULL AND "quarantined_at" IS NULL
ORDER BY "stream", "stream_offset";

-- DropIndex
DROP INDEX "outbox_events_pending_idx";

-- DropIndex
DROP INDEX "outbox_events_published_at_idx";

-- AlterTable
ALTER TABLE "outbox_events" DROP COLUMN "published_at";

-- AlterTable: the insert's own time (taken under the stream lock), not the transaction's start.
ALTER TABLE "outbox_events" ALTER COLUMN "created_at" SET DEFAULT clock_timestamp();

-- CreateIndex
CREATE INDEX "outbox_pending_partition_seq_idx" ON "outbox_pending"("partition", "seq");

-- CreateIndex
CREATE INDEX "outbox_events_created_at_idx" ON "outbox_events"("created_at");

-- Every committed insert into outbox_events, by publish() or by a producer's own SQL, is
-- queued for the relay and wakes it (NOTIFY is delivered at commit only). 64 is
-- RELAY_PARTITIONS (@roomcast/db); changing it needs a migration that rewrites this
-- function and outbox_pending.partition.
CREATE FUNCTION "roomcast_outbox_enqueue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO outbox_pending (partition, stream, stream_offset)
  SELECT n.partition_key % 64, n.stream, n.stream_offset FROM new_rows n
  WHERE n.quarantined_at IS NULL
  ORDER BY n.stream, n.stream_offset;
  -- The payload names a stream of the statement (informational: the relay reads every
  -- partition of its share on any wake-up).
  PERFORM pg_notify('roomcast_outbox', (SELECT n.stream FROM new_rows n LIMIT 1));
  RETURN NULL;
END
$$;

CREATE TRIGGER "outbox_events_enqueue" AFTER INSERT ON "outbox_events"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "roomcast_outbox_enqueue"();

-- What the relay could never emit is refused at insert. A quarantined row is exempt, so
-- a row written before these constraints (NOT VALID: existing rows are not checked) can
-- still be quarantined by the relay. The data ceiling is twice the protocol's
-- MAX_EVENT_DATA_BYTES (262144, measured on compact JSON by publish()), because jsonb's
-- text form adds a space after every separator.
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_channel_check"
  CHECK ("quarantined_at" IS NOT NULL OR "channel" IN ('chat', 'notifications', 'analytics', 'documents', 'system')) NOT VALID;
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_stream_check"
  CHECK ("quarantined_at" IS NOT NULL OR (
    "tenant_id" ~ '^[A-Za-z0-9_-]{1,64}$'
    AND ("topic" IS NULL OR "topic" ~ '^[A-Za-z0-9_-]{1,64}$')
    AND "stream" = "tenant_id" || ':' || "channel" || COALESCE(':' || "topic", ''))) NOT VALID;
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_event_check"
  CHECK ("quarantined_at" IS NOT NULL OR (
    "type" ~ '^[A-Za-z0-9_.:-]{1,64}$'
    AND "priority" BETWEEN 0 AND 9
    AND char_length("source") BETWEEN 1 AND 128
    AND "stream_offset" >= 1)) NOT VALID;
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_data_size_check"
  CHECK ("quarantined_at" IS NOT NULL OR octet_length("data"::text) <= 524288) NOT VALID;
