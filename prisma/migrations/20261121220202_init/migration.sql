-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "tenants" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "widget_key" TEXT NOT NULL,
    "allowed_origins" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "streams" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "partition_key" INTEGER NOT NULL,
    "last_offset" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "streams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stream_cursors" (
    "stream_id" TEXT NOT NULL,
    "published_offset" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stream_cursors_pkey" PRIMARY KEY ("stream_id")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "stream" TEXT NOT NULL,
    "partition_key" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "topic" TEXT,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "priority" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "stream_offset" BIGINT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "quarantined_at" TIMESTAMPTZ(3),
    "quarantine_reason" TEXT,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_widget_key_key" ON "tenants"("widget_key");

-- CreateIndex
CREATE INDEX "streams_tenant_id_idx" ON "streams"("tenant_id");

-- CreateIndex
CREATE INDEX "outbox_events_pending_idx" ON "outbox_events"("partition_key", "stream", "stream_offset") WHERE (published_at IS NULL AND quarantined_at IS NULL);

-- CreateIndex
CREATE INDEX "outbox_events_published_at_idx" ON "outbox_events"("published_at") WHERE (published_at IS NOT NULL);

-- CreateIndex
CREATE INDEX "outbox_events_quarantined_at_idx" ON "outbox_events"("quarantined_at") WHERE (quarantined_at IS NOT NULL);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_stream_stream_offset_key" ON "outbox_events"("stream", "stream_offset");

-- Invariants Prisma's schema language cannot express (added by hand).
ALTER TABLE "streams" ADD CONSTRAINT "streams_last_offset_check" CHECK ("last_offset" >= 0);
ALTER TABLE "streams" ADD CONSTRAINT "streams_partition_key_check" CHECK ("partition_key" >= 0);
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_stream_offset_check" CHECK ("stream_offset" >= 1);
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_priority_check" CHECK ("priority" BETWEEN 0 AND 9);
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_attempts_check" CHECK ("attempts" >= 0);
