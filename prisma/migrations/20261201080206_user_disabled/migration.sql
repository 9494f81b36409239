-- Operator-disabled console users (issue 10): sign-in is refused once disabled_at is set.

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "disabled_at" TIMESTAMPTZ(3);
