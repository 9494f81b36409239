/**
 * Snapshots for the console and the widget. Each is read in one REPEATABLE READ
 * transaction together with the position of the stream that keeps it up to date, so a
 * client that subscribes with `since: offset` receives exactly the changes after the
 * snapshot (chat writers commit rows and events atomically).
 */
import { Prisma, type Db, type DbTransaction } from "@roomcast/db";
import { CHAT_STATUSES, streamName, type ChatMessageView, type ChatMetrics, type ChatSessionView, type ChatStatus, type ChatTransferView, type Principal } from "@roomcast/protocol";
import { loadSession } from "./access";
import { computeMetrics } from "./metrics";
import { transferView } from "./transfer";
import { messageView, sessionView } from "./views";

export const MAX_LIST = 500;
export const MAX_TRANSCRIPT = 1000;
export const MAX_TRANSFERS = 100;
const SNAPSHOT = { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead };

async function lastOffset(tx: DbTransaction, stream: string): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ last_offset: bigint | number }>>`SELECT last_offset FROM streams WHERE id = ${stream}`;
  return Number(rows[0]?.last_offset ?? 0);
}

export async function listSessions(
  db: Db,
  tenant: string,
  options: { status?: ChatStatus | undefined; limit?: number } = {},
): Promise<{ sessions: ChatSessionView[]; offset: number; changesOffset: number }> {
  const limit = Math.min(options.limit ?? 200, MAX_LIST);
  return db.prisma.$transaction(async (tx) => {
    const offset = await lastOffset(tx, streamName({ tenant, channel: "chat" }));
    // The list's rows are also watched (migration watch_chat_sessions): the console follows them on `changes:chat_sessions`.
    const changesOffset = await lastOffset(tx, streamName({ tenant, channel: "changes", topic: "chat_sessions" }));
    const rows = await tx.chatSession.findMany({
      where: { tenantId: tenant, ...(options.status === undefined ? {} : { status: options.status }) },
      orderBy: [{ updatedAt: "desc" }],
      take: limit,
    });
    return { sessions: rows.map(sessionView), offset, changesOffset };
  }, SNAPSHOT);
}

export async function getSession(
  db: Db,
  actor: Principal,
  sessionId: string,
): Promise<{ session: ChatSessionView; messages: ChatMessageView[]; offset: number; transfers?: ChatTransferView[] }> {
  return db.prisma.$transaction(async (tx) => {
    const offset = await lastOffset(tx, streamName({ tenant: actor.tenant, channel: "chat", topic: sessionId }));
    const session = await loadSession(tx, actor, sessionId);
    const rows = await tx.chatMessage.findMany({ where: { sessionId: session.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: MAX_TRANSCRIPT });
    const answer = { session: sessionView(session), messages: rows.map(messageView), offset };
    // Transfer notes are between staff: a visitor's read of its session never carries them.
    if (actor.role === "visitor") return answer;
    const transfers = await tx.chatTransfer.findMany({ where: { sessionId: session.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: MAX_TRANSFERS });
    return { ...answer, transfers: transfers.map(transferView) };
  }, SNAPSHOT);
}

export async function metricsSnapshot(db: Db, tenant: string): Promise<{ metrics: ChatMetrics; offset: number }> {
  return db.prisma.$transaction(async (tx) => {
    const offset = await lastOffset(tx, streamName({ tenant, channel: "chat" }));
    return { metrics: await computeMetrics(tx, tenant), offset };
  }, SNAPSHOT);
}

export function isChatStatus(value: unknown): value is ChatStatus {
  return typeof value === "string" && (CHAT_STATUSES as readonly string[]).includes(value);
}
