/**
 * The console's data, kept apart from the DOM: the session list, metrics, analytics and
 * the open session's transcript. Every update is a whole-object replacement keyed by id
 * (sessions by session id, messages by message id), so applying a snapshot and then
 * events — including an event already reflected in the snapshot, or older events replayed
 * after a stretch of REST polling — converges on the newest state and never duplicates.
 */
import type { AnalyticsTickData, ChatMessageView, ChatMetrics, ChatSessionView } from "@roomcast/protocol";

export interface OpenSession {
  session: ChatSessionView;
  messages: Map<string, ChatMessageView>;
}

export class ConsoleStore {
  readonly sessions = new Map<string, ChatSessionView>();
  metrics: ChatMetrics | undefined;
  analytics: AnalyticsTickData | undefined;
  open: OpenSession | undefined;

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

  sortedSessions(): ChatSessionView[] {
    const rank = { waiting: 0, active: 1, ended: 2 } as const;
    return [...this.sessions.values()].sort((a, b) => rank[a.status] - rank[b.status] || b.updatedAt.localeCompare(a.updatedAt));
  }

  transcript(): ChatMessageView[] {
    return this.open === undefined ? [] : [...this.open.messages.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}
