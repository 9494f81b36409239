-- The sender's display name at the time of writing (the token's name claim), so a transcript
-- names an agent who has left the chat since; null for messages written before this column.

-- AlterTable
ALTER TABLE "chat_messages" ADD COLUMN     "sender_name" TEXT;
