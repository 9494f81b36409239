/** Database rows → the wire views of @roomcast/protocol (ISO timestamps, nulls not undefined). */
import type { ChatMessage, ChatSession } from "@roomcast/db";
import type { ChatMessageView, ChatSenderRole, ChatSessionView } from "@roomcast/protocol";
import { visitorContextView } from "./visitor-view";

export function sessionView(row: ChatSession): ChatSessionView {
  return {
    id: row.id,
    visitorId: row.visitorId,
    visitorName: row.visitorName,
    agentId: row.agentId,
    status: row.status,
    messageCount: row.messageCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    firstResponseAt: row.firstResponseAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    visitor: visitorContextView(row),
  };
}

export function messageView(row: ChatMessage): ChatMessageView {
  return {
    id: row.id,
    sessionId: row.sessionId,
    senderRole: row.senderRole as ChatSenderRole,
    senderId: row.senderId,
    senderName: row.senderName,
    text: row.text,
    createdAt: row.createdAt.toISOString(),
  };
}
