-- CreateEnum
CREATE TYPE "chat_routing" AS ENUM ('auto', 'manual');

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "chat_routing" "chat_routing" NOT NULL DEFAULT 'auto';

-- CreateTable
CREATE TABLE "chat_transfers" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "from_agent_id" TEXT,
    "to_agent_id" TEXT NOT NULL,
    "by_user_id" TEXT NOT NULL,
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chat_transfers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_reads" (
    "tenant_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "message_count" INTEGER NOT NULL,
    "read_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chat_reads_pkey" PRIMARY KEY ("session_id","user_id")
);

-- CreateTable
CREATE TABLE "canned_replies" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "shortcut" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "canned_replies_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "chat_transfers_session_id_created_at_idx" ON "chat_transfers"("session_id", "created_at");

-- CreateIndex
CREATE INDEX "chat_reads_tenant_id_user_id_idx" ON "chat_reads"("tenant_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "canned_replies_tenant_id_shortcut_key" ON "canned_replies"("tenant_id", "shortcut");
