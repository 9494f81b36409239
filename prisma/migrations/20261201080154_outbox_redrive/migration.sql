-- Outbox re-drive (issue 10): a quarantined event that an operator re-drove keeps its row
-- (its placeholder holds the old offset); these record when, and the id of the new event.

-- AlterTable
ALTER TABLE "outbox_events" ADD COLUMN     "redriven_as" UUID,
ADD COLUMN     "redriven_at" TIMESTAMPTZ(3);
