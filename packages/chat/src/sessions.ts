/**
 * Session lifecycle: start (widget), assign, end. Every change goes through chatWrite, so
 * it commits with its events. Status moves waiting → active → ended; ended is final, and
 * ending an ended session is a no-op that publishes nothing. A new session goes to one of
 * the agents the caller says are available (routing.ts: fewest active chats first) and
 * starts active, with a notification to that agent in the same commit; with none it starts
 * waiting.
 */
import type { Db, OutboxEventInput } from "@roomcast/db";
import { CHAT_SESSION_UPDATED, NOTIFICATION, type ChatSessionView, type Principal, type VisitorContextInput } from "@roomcast/protocol";
import { loadSession } from "./access";
import { ChatError } from "./chat-error";
import { chatWrite } from "./chat-write";
import { newId } from "./ids";
import { routeNewSession } from "./routing";
import { sessionView } from "./views";
import { visitorColumns, type VisitorFields } from "./visitor-context";

export interface StartSessionInput {
  tenant: string;
  visitorId: string;
  visitorName: string;
  origin: string | null;
  /** Ids of the agents whose availability is online (the gateway's availability store); omitted, nobody. */
  availableAgents?: readonly string[] | undefined;
  /** Page, referrer, locale (parsed by the protocol's visitorContextSchema) and the resolved identity (visitor-context.ts). */
  context?: VisitorContextInput | undefined;
  visitor?: VisitorFields | undefined;
}

/** The new session and the offset of its stream after the start event (subscribe with `since` = this). */
export async function startSession(db: Db, input: StartSessionInput): Promise<{ session: ChatSessionView; offset: number }> {
  return chatWrite(db, input.tenant, async ({ tx, now, routing }) => {
    const agentId = await routeNewSession(tx, input.tenant, routing, input.availableAgents ?? []);
    const session = await tx.chatSession.create({
      data: {
        id: newId("s"),
        tenantId: input.tenant,
        visitorId: input.visitorId,
        visitorName: input.visitorName,
        origin: input.origin,
        ...visitorColumns(input.context, input.visitor),
        ...(agentId === undefined ? {} : { agentId, status: "active" }),
        createdAt: now,
        updatedAt: now,
      },
    });
    const view = sessionView(session);
    return {
      kind: "write",
      session,
      sessionEvents: [{ type: CHAT_SESSION_UPDATED, data: view }],
      extra: agentId === undefined ? [] : [assignedNotice(input.tenant, agentId, session.visitorName, session.id)],
      finish: async (_tx, published) => ({ session: view, offset: published[0]?.offset ?? 0 }),
    };
  });
}

/** "Chat assigned to you" on the agent's `notifications:<agent>` stream. */
function assignedNotice(tenant: string, agentId: string, visitorName: string, sessionId: string): OutboxEventInput {
  return {
    tenant,
    channel: "notifications",
    topic: agentId,
    type: NOTIFICATION,
    data: { id: newId("n"), title: "Chat assigned to you", body: `${visitorName} (${sessionId})` },
    priority: 7,
    source: "chat",
  };
}

export async function assignSession(db: Db, actor: Principal, input: { sessionId: string; agentId?: string | undefined }): Promise<ChatSessionView> {
  if (actor.role !== "agent" && actor.role !== "admin" && actor.role !== "service") throw new ChatError("forbidden", "only agents and admins assign sessions");
  const agentId = input.agentId ?? actor.sub;
  if (actor.role === "agent" && agentId !== actor.sub) throw new ChatError("forbidden", "an agent may only assign a session to itself");
  return chatWrite(db, actor.tenant, async ({ tx, now }) => {
    const current = await loadSession(tx, actor, input.sessionId);
    if (current.status === "ended") throw new ChatError("invalid", "the session has ended");
    const agent = await tx.user.findFirst({ where: { id: agentId, tenantId: actor.tenant, role: { in: ["agent", "admin"] } } });
    if (agent === null) throw new ChatError("not_found", "no such agent");
    if (current.agentId === agentId && current.status === "active") return { kind: "done", value: sessionView(current) };
    const session = await tx.chatSession.update({ where: { id: current.id }, data: { agentId, status: "active", updatedAt: now } });
    const view = sessionView(session);
    return {
      kind: "write",
      session,
      sessionEvents: [{ type: CHAT_SESSION_UPDATED, data: view }],
      extra: agentId === actor.sub ? [] : [assignedNotice(actor.tenant, agentId, session.visitorName, session.id)],
      finish: async () => view,
    };
  });
}

export async function endSession(db: Db, actor: Principal, input: { sessionId: string }): Promise<ChatSessionView> {
  return chatWrite(db, actor.tenant, async ({ tx, now }) => {
    const current = await loadSession(tx, actor, input.sessionId);
    if (current.status === "ended") return { kind: "done", value: sessionView(current) };
    const session = await tx.chatSession.update({ where: { id: current.id }, data: { status: "ended", endedAt: now, updatedAt: now } });
    const view = sessionView(session);
    return { kind: "write", session, sessionEvents: [{ type: CHAT_SESSION_UPDATED, data: view }], finish: async () => view };
  });
}
