/**
 * The console's desk logic, apart from the DOM: unread counts and the title alert, the
 * canned-reply picker's matching, the session list's rows from `changes:chat_sessions`
 * events, and the plural of a count. Pure functions, unit-tested beside this file.
 */
import type { ChatSessionView, ChatStatus } from "@roomcast/protocol";

export const CONSOLE_TITLE = "Roomcast console";

/** "1 message", "3 messages". */
export function countLabel(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Unread messages of a session for the signed-in user: never negative. */
export function unreadCount(messageCount: number, read: number | undefined): number {
  return Math.max(0, messageCount - (read ?? 0));
}

/**
 * Whether a session's unread messages count for the signed-in agent's alert: sessions still
 * open that are theirs or nobody's (another agent's chats are that agent's to read).
 */
export function countsForMe(session: Pick<ChatSessionView, "status" | "agentId">, me: string): boolean {
  return session.status !== "ended" && (session.agentId === null || session.agentId === me);
}

/** The page title: "(3) Roomcast console" while 3 messages are unread, else the plain title. */
export function consoleTitle(unread: number): string {
  return unread > 0 ? `(${unread}) ${CONSOLE_TITLE}` : CONSOLE_TITLE;
}

/** The canned replies whose shortcut starts with what follows a leading `/` (none without one, or after a space). */
export function matchCanned<T extends { shortcut: string }>(replies: Iterable<T>, typed: string): T[] {
  if (!typed.startsWith("/")) return [];
  const prefix = typed.slice(1).toLowerCase();
  if (/\s/.test(prefix)) return [];
  return [...replies].filter((r) => r.shortcut.startsWith(prefix)).sort((a, b) => a.shortcut.localeCompare(b.shortcut));
}

const STATUSES: readonly ChatStatus[] = ["waiting", "active", "ended"];
const iso = (value: unknown): string | undefined => {
  if (typeof value !== "string") return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
};

/**
 * A watched `chat_sessions` row (snake_case columns, timestamps as PostgreSQL writes them in
 * JSON) as the session view the REST list answers, or undefined when it is not one.
 */
export function sessionFromRow(row: unknown): ChatSessionView | undefined {
  if (typeof row !== "object" || row === null) return undefined;
  const r = row as Record<string, unknown>;
  const createdAt = iso(r.created_at);
  const updatedAt = iso(r.updated_at);
  const status = STATUSES.find((s) => s === r.status);
  if (typeof r.id !== "string" || typeof r.visitor_id !== "string" || typeof r.visitor_name !== "string" || typeof r.message_count !== "number") return undefined;
  if (createdAt === undefined || updatedAt === undefined || status === undefined) return undefined;
  if (r.agent_id !== null && typeof r.agent_id !== "string") return undefined;
  return {
    id: r.id,
    visitorId: r.visitor_id,
    visitorName: r.visitor_name,
    agentId: r.agent_id,
    status,
    messageCount: r.message_count,
    createdAt,
    updatedAt,
    firstResponseAt: iso(r.first_response_at) ?? null,
    endedAt: iso(r.ended_at) ?? null,
  };
}

export type SessionChange = { kind: "upsert"; session: ChatSessionView } | { kind: "delete"; id: string } | { kind: "ignore" };

/** What a `changes:chat_sessions` event does to the list. */
export function sessionChange(type: string, data: unknown): SessionChange {
  const { new: next, old } = (typeof data === "object" && data !== null ? data : {}) as { new?: unknown; old?: unknown };
  if (type === "delete") {
    const id = typeof old === "object" && old !== null ? (old as { id?: unknown }).id : undefined;
    return typeof id === "string" ? { kind: "delete", id } : { kind: "ignore" };
  }
  if (type !== "insert" && type !== "update") return { kind: "ignore" };
  const session = sessionFromRow(next);
  return session === undefined ? { kind: "ignore" } : { kind: "upsert", session };
}
