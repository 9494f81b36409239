/**
 * The console's data, kept apart from the DOM: the session list, metrics, analytics, the
 * open session's transcript, and the desk's state — the user's read markers (unread
 * counts), transfers with their notes per session and the tenant's canned replies. Every
 * update is a whole-object replacement keyed by id
 * (sessions by session id, messages by message id), so applying a snapshot and then
 * events — including an event already reflected in the snapshot, or older events replayed
 * after a stretch of REST polling — converges on the newest state and never duplicates.
 */
import type { AnalyticsTickData, CannedReplyChange, CannedReplyView, ChatMessageView, ChatMetrics, ChatSessionView, ChatTransferView } from "@roomcast/protocol";
import { countsForMe, unreadCount, type SessionChange } from "./console-desk";

export interface OpenSession {
  session: ChatSessionView;
  messages: Map<string, ChatMessageView>;
}

export class ConsoleStore {
  readonly sessions = new Map<string, ChatSessionView>();
  metrics: ChatMetrics | undefined;
  analytics: AnalyticsTickData | undefined;
  open: OpenSession | undefined;
  /** Session id → messages the signed-in user has read. */
  readonly read = new Map<string, number>();
  /** Session id → its transfers, by id. */
  readonly transfers = new Map<string, Map<string, ChatTransferView>>();
  readonly canned = new Map<string, CannedReplyView>();

  replaceSessions(list: readonly ChatSessionView[]): void {
    this.sessions.clear();
    for (const s of list) this.sessions.set(s.id, s);
    if (this.open !== undefined) {
      const fresh = this.sessions.get(this.open.session.id);
      if (fresh !== undefined) this.open.session = fresh;
    }
  }

  upsertSession(session: ChatSessionView): void {
    const known = this.sessions.get(session.id);
    // Events of one stream arrive in order; a snapshot may be newer than a replayed event.
    if (known !== undefined && known.updatedAt > session.updatedAt) return;
    this.sessions.set(session.id, session);
    if (this.open?.session.id === session.id && this.open.session.updatedAt <= session.updatedAt) this.open.session = session;
  }

  openSession(session: ChatSessionView, messages: readonly ChatMessageView[]): void {
    this.open = { session, messages: new Map(messages.map((m) => [m.id, m])) };
    this.upsertSession(session);
  }

  addMessage(message: ChatMessageView): void {
    if (this.open?.session.id === message.sessionId) this.open.messages.set(message.id, message);
  }

  /**
   * A `changes:chat_sessions` row: the watched columns replace the known ones, and what the
   * watch does not carry (e.g. the visitor context) is kept from the REST view.
   */
  applySessionChange(change: SessionChange): void {
    if (change.kind === "ignore") return;
    if (change.kind === "delete") {
      this.sessions.delete(change.id);
      return;
    }
    const known = this.sessions.get(change.session.id);
    this.upsertSession(known === undefined ? change.session : { ...known, ...change.session });
  }

  /** A read marker never moves back (markers from two tabs may arrive in any order). */
  markRead(sessionId: string, messageCount: number): void {
    this.read.set(sessionId, Math.max(messageCount, this.read.get(sessionId) ?? 0));
  }

  unread(sessionId: string): number {
    const s = this.sessions.get(sessionId);
    return s === undefined ? 0 : unreadCount(s.messageCount, this.read.get(sessionId));
  }

  /** Unread messages in the open sessions that are the user's or nobody's (the title's count). */
  totalUnread(me: string): number {
    let total = 0;
    for (const s of this.sessions.values()) if (countsForMe(s, me)) total += this.unread(s.id);
    return total;
  }

  addTransfers(list: readonly ChatTransferView[]): void {
    for (const t of list) {
      const known = this.transfers.get(t.sessionId) ?? new Map<string, ChatTransferView>();
      known.set(t.id, t);
      this.transfers.set(t.sessionId, known);
    }
  }

  transfersOf(sessionId: string): ChatTransferView[] {
    return [...(this.transfers.get(sessionId)?.values() ?? [])].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  replaceCanned(list: readonly CannedReplyView[]): void {
    this.canned.clear();
    for (const r of list) this.canned.set(r.id, r);
  }

  applyCanned(change: CannedReplyChange): void {
    if (change.op === "delete") this.canned.delete(change.id);
    else this.canned.set(change.reply.id, change.reply);
  }

  sortedSessions(): ChatSessionView[] {
    const rank = { waiting: 0, active: 1, ended: 2 } as const;
    return [...this.sessions.values()].sort((a, b) => rank[a.status] - rank[b.status] || b.updatedAt.localeCompare(a.updatedAt));
  }

  transcript(): ChatMessageView[] {
    return this.open === undefined ? [] : [...this.open.messages.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}
