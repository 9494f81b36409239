/**
 * The product events on top of the delivery contract: what the chat domain, notifications,
 * document processing and the analytics job publish, shared by the producers (server) and
 * the widget and console (browser). Every type here is the `data` of an envelope whose
 * `type` is the matching constant; producers publish nothing else under these types.
 *
 * Streams:
 * - `chat:<session>`: CHAT_MESSAGE (ChatMessageView), CHAT_SESSION_UPDATED (ChatSessionView);
 * - `chat` (the tenant's list): CHAT_SESSION_UPDATED and CHAT_METRICS_UPDATED (ChatMetrics),
 *   the same figures `GET /api/v1/chat/metrics` returns; CHAT_SESSION_TRANSFERRED
 *   (ChatTransferView, with the note: staff only, never on the visitor's session stream),
 *   CHAT_SETTINGS_UPDATED (ChatSettings), CHAT_CANNED_UPDATED (CannedReplyChange);
 * - `notifications:<user>`: NOTIFICATION, CHAT_SESSION_READ (ChatReadData: that user read a
 *   session, so their other consoles reset its unread count); `documents:<doc>`: DOCUMENT_STATUS;
 *   `analytics`: ANALYTICS_TICK.
 */
import type { VisitorContextView } from "./visitor";

export const CHAT_MESSAGE = "message";
export const CHAT_SESSION_UPDATED = "session:updated";
export const CHAT_METRICS_UPDATED = "metrics:updated";
export const NOTIFICATION = "notification";
export const DOCUMENT_STATUS = "document:status";
export const ANALYTICS_TICK = "analytics:tick";
export const CHAT_SESSION_TRANSFERRED = "session:transferred";
export const CHAT_SETTINGS_UPDATED = "settings:updated";
export const CHAT_CANNED_UPDATED = "canned:updated";
export const CHAT_SESSION_READ = "session:read";

/** Types on the chat channel only the chat domain may write (a client publish of one is refused). */
export const CHAT_DOMAIN_TYPES: readonly string[] = [
  CHAT_MESSAGE,
  CHAT_SESSION_UPDATED,
  CHAT_METRICS_UPDATED,
  CHAT_SESSION_TRANSFERRED,
  CHAT_SETTINGS_UPDATED,
  CHAT_CANNED_UPDATED,
];

/** How a tenant's new chats find an agent: `auto` (routed to an available agent) or `manual` (they wait). */
export const CHAT_ROUTINGS = ["auto", "manual"] as const;
export type ChatRouting = (typeof CHAT_ROUTINGS)[number];

export interface ChatSettings {
  routing: ChatRouting;
}

/** Longest transfer note, in characters. */
export const MAX_TRANSFER_NOTE_LENGTH = 1000;

export interface ChatTransferView {
  id: string;
  sessionId: string;
  /** The assignee before (null: unassigned). */
  fromAgentId: string | null;
  toAgentId: string;
  byUserId: string;
  note: string | null;
  createdAt: string;
}

export interface ChatReadData {
  sessionId: string;
  /** The session's message count when it was read: unread = messageCount − this. */
  messageCount: number;
}

/** A canned reply's shortcut, typed as `/<shortcut>` in the console. */
export const CANNED_SHORTCUT_PATTERN = /^[a-z0-9_-]{1,32}$/;
export const MAX_CANNED_REPLIES = 200;

export interface CannedReplyView {
  id: string;
  shortcut: string;
  text: string;
  updatedAt: string;
}

export type CannedReplyChange = { op: "upsert"; reply: CannedReplyView } | { op: "delete"; id: string };

export const CHAT_STATUSES = ["waiting", "active", "ended"] as const;
export type ChatStatus = (typeof CHAT_STATUSES)[number];
export type ChatSenderRole = "visitor" | "agent" | "system";

/** Longest chat message, in characters. */
export const MAX_CHAT_MESSAGE_LENGTH = 4000;

export interface ChatSessionView {
  id: string;
  visitorId: string;
  visitorName: string;
  agentId: string | null;
  status: ChatStatus;
  messageCount: number;
  createdAt: string;
  updatedAt: string;
  firstResponseAt: string | null;
  endedAt: string | null;
  /** Where the chat started and who the visitor says it is (docs/chat.md "Visitor context"); on every view the chat domain builds. */
  visitor?: VisitorContextView;
}

export interface ChatMessageView {
  id: string;
  sessionId: string;
  senderRole: ChatSenderRole;
  senderId: string;
  /** The sender's display name when it wrote the message (null when its token named none). */
  senderName?: string | null | undefined;
  text: string;
  createdAt: string;
}

/** "Today" is the current UTC day; the first-response average is over sessions first answered today. */
export interface ChatMetrics {
  activeSessions: number;
  waitingSessions: number;
  endedToday: number;
  messagesLastHour: number;
  /** Milliseconds, rounded; null when no session was first answered today. */
  avgFirstResponseMs: number | null;
}

export interface NotificationData {
  id: string;
  title: string;
  body: string;
}

export const DOCUMENT_STATUSES = ["queued", "processing", "done", "failed"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export interface DocumentStatusData {
  id: string;
  name: string;
  status: DocumentStatus;
  /** 0 … 100. */
  progress: number;
}

export interface AnalyticsTickData {
  /** Distinct signed-in users (token subjects) connected to any node of the cluster. */
  activeUsers: number;
  /** Events committed to the tenant's streams in the last 60 s (analytics ticks excluded). */
  eventsPerMinute: number;
  at: string;
}
