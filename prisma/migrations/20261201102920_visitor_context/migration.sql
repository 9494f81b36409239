-- Visitor context (issue 12): the page, referrer and locale a chat started on, the visitor's
-- e-mail and host-site user id, whether its identity was verified (HMAC against the tenant's
-- identity_secret), and indexes for the visitor history lookups (by user id, by e-mail).

-- AlterTable
ALTER TABLE "chat_sessions" ADD COLUMN     "identity_verified" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "locale" TEXT,
ADD COLUMN     "page_url" TEXT,
ADD COLUMN     "referrer" TEXT,
ADD COLUMN     "visitor_email" TEXT,
ADD COLUMN     "visitor_user_id" TEXT;

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "identity_secret" TEXT;

-- CreateIndex
CREATE INDEX "chat_sessions_tenant_id_visitor_user_id_idx" ON "chat_sessions"("tenant_id", "visitor_user_id");

-- CreateIndex
CREATE INDEX "chat_sessions_tenant_id_visitor_email_idx" ON "chat_sessions"("tenant_id", "visitor_email");
