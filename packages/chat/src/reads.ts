/**
 * Read markers: how far a console user has read each session (the session's message count
 * when they last viewed it), so the console shows unread counts that every node and every
 * tab of that user agree on. `markRead` stores the marker and, in the same transaction,
 * publishes `session:read` on the user's `notifications:<user>` stream (their other
 * consoles reset the count); a marker never moves back, and an unchanged one publishes
 * nothing. `readMarkers` answers the user's markers for the session list.
 */
import { publish, type Db } from "@roomcast/db";
import { CHAT_SESSION_READ, type ChatReadData, type Principal } from "@roomcast/protocol";
import { loadSession } from "./access";
import { ChatError } from "./chat-error";

export async function markRead(db: Db, actor: Principal, sessionId: string): Promise<ChatReadData> {
  if (actor.role !== "agent" && actor.role !== "admin") throw new ChatError("forbidden", "only console users keep read markers");
  return db.prisma.$transaction(async (tx) => {
    const session = await loadSession(tx, actor, sessionId);
    const key = { sessionId_userId: { sessionId: session.id, userId: actor.sub } };
    const known = await tx.chatRead.findUnique({ where: key });
    const data: ChatReadData = { sessionId: session.id, messageCount: Math.max(session.messageCount, known?.messageCount ?? 0) };
    if (known?.messageCount === data.messageCount) return data;
    await tx.chatRead.upsert({
      where: key,
      create: { tenantId: actor.tenant, sessionId: session.id, userId: actor.sub, messageCount: data.messageCount },
      update: { messageCount: data.messageCount, readAt: new Date() },
    });
    await publish(tx, { tenant: actor.tenant, channel: "notifications", topic: actor.sub, type: CHAT_SESSION_READ, data, priority: 3, source: "chat" });
    return data;
  });
}

/** The user's read markers, session id → message count read. */
export async function readMarkers(db: Db, tenant: string, user: string): Promise<Record<string, number>> {
  const rows = await db.prisma.chatRead.findMany({ where: { tenantId: tenant, userId: user }, select: { sessionId: true, messageCount: true } });
  return Object.fromEntries(rows.map((r) => [r.sessionId, r.messageCount]));
}
