-- CreateTable
CREATE TABLE "tenant_limits" (
    "tenant_id" TEXT NOT NULL,
    "max_connections" INTEGER,
    "events_per_second" INTEGER,
    "socket_events" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_limits_pkey" PRIMARY KEY ("tenant_id")
);

-- A limit is a positive number or null (the default applies).
ALTER TABLE "tenant_limits" ADD CONSTRAINT "tenant_limits_positive" CHECK (
    ("max_connections" IS NULL OR "max_connections" > 0)
    AND ("events_per_second" IS NULL OR "events_per_second" > 0)
    AND ("socket_events" IS NULL OR "socket_events" > 0)
);
