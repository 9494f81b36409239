/**
 * Transferring a session to another agent, with a note for them. One chat write: the
 * session moves to the target (status active), a `chat_transfers` row keeps the note, and
 * the same commit publishes the session's `session:updated` (on its own stream and the
 * list, as every chat write), a `session:transferred` with the note on the tenant's `chat`
 * stream (staff only: the visitor's `chat:<session>` stream never carries the note), and a
 * "Chat transferred to you" notification to the target.
 *
 * Policy (`transferDecision`, pure): agents, admins and services may transfer; an agent only
 * a session assigned to them or not assigned yet. The target is an enabled agent or admin of
 * the tenant, other than the current assignee; an ended session cannot be transferred.
 */
import type { OutboxEventInput } from "@roomcast/db";
import type { Db } from "@roomcast/db";
import { CHAT_SESSION_TRANSFERRED, CHAT_SESSION_UPDATED, MAX_TRANSFER_NOTE_LENGTH, NOTIFICATION, type ChatSessionView, type ChatStatus, type ChatTransferView, type Principal } from "@roomcast/protocol";
import { loadSession } from "./access";
import { ChatError } from "./chat-error";
import { chatWrite } from "./chat-write";
import { newId } from "./ids";
import { sessionView } from "./views";

export interface TransferInput {
  sessionId: string;
  agentId: string;
  note?: string | null | undefined;
}

interface TransferFacts {
  actor: Pick<Principal, "role" | "sub">;
  session: { status: ChatStatus; agentId: string | null };
  /** The target user, or null when no enabled agent or admin of the tenant has that id. */
  target: { id: string; role: string; disabled: boolean } | null;
}

/** Why the transfer is refused, or undefined when it may go ahead. */
export function transferDecision(facts: TransferFacts): ChatError | undefined {
  const { actor, session, target } = facts;
  if (actor.role !== "agent" && actor.role !== "admin" && actor.role !== "service") return new ChatError("forbidden", "only agents and admins transfer sessions");
  if (actor.role === "agent" && session.agentId !== null && session.agentId !== actor.sub) {
    return new ChatError("forbidden", "an agent may only transfer a session assigned to them");
  }
  if (session.status === "ended") return new ChatError("invalid", "the session has ended");
  if (target === null || target.disabled || (target.role !== "agent" && target.role !== "admin")) return new ChatError("not_found", "no such agent");
  if (session.agentId === target.id) return new ChatError("invalid", "the session is already assigned to that agent");
  return undefined;
}

/** The note as stored: trimmed, empty is none. */
export function normaliseNote(note: string | null | undefined): string | null {
  const text = note?.trim() ?? "";
  if (text.length > MAX_TRANSFER_NOTE_LENGTH) throw new ChatError("invalid", `note must be at most ${MAX_TRANSFER_NOTE_LENGTH} characters`);
  return text.length === 0 ? null : text;
}

export async function transferSession(db: Db, actor: Principal, input: TransferInput): Promise<{ session: ChatSessionView; transfer: ChatTransferView }> {
  const note = normaliseNote(input.note);
  return chatWrite(db, actor.tenant, async ({ tx, now }) => {
    const current = await loadSession(tx, actor, input.sessionId);
    const user = await tx.user.findFirst({ where: { id: input.agentId, tenantId: actor.tenant } });
    const refusal = transferDecision({
      actor,
      session: current,
      target: user === null ? null : { id: user.id, role: user.role, disabled: user.disabledAt !== null },
    });
    if (refusal !== undefined) throw refusal;
    const session = await tx.chatSession.update({ where: { id: current.id }, data: { agentId: input.agentId, status: "active", updatedAt: now } });
    const row = await tx.chatTransfer.create({
      data: { id: newId("t"), tenantId: actor.tenant, sessionId: current.id, fromAgentId: current.agentId, toAgentId: input.agentId, byUserId: actor.sub, note, createdAt: now },
    });
    const view = sessionView(session);
    const transfer = transferView(row);
    const from = current.agentId === null ? "" : ` from ${current.agentId}`;
    const extra: OutboxEventInput[] = [
      { tenant: actor.tenant, channel: "chat", type: CHAT_SESSION_TRANSFERRED, data: transfer, priority: 6, source: "chat" },
      {
        tenant: actor.tenant,
        channel: "notifications",
        topic: input.agentId,
        type: NOTIFICATION,
        data: { id: newId("n"), title: "Chat transferred to you", body: `${session.visitorName} (${session.id})${from}${note === null ? "" : `: ${note}`}` },
        priority: 7,
        source: "chat",
      },
    ];
    return { kind: "write", session, sessionEvents: [{ type: CHAT_SESSION_UPDATED, data: view }], extra, finish: async () => ({ session: view, transfer }) };
  });
}

export function transferView(row: { id: string; sessionId: string; fromAgentId: string | null; toAgentId: string; byUserId: string; note: string | null; createdAt: Date }): ChatTransferView {
  return {
    id: row.id,
    sessionId: row.sessionId,
    fromAgentId: row.fromAgentId,
    toAgentId: row.toAgentId,
    byUserId: row.byUserId,
    note: row.note,
    createdAt: row.createdAt.toISOString(),
  };
}
