/**
 * Posting a chat message. Exactly once per idempotency key: the key is claimed (after the
 * tenant lock) in the transaction that writes the message and its events, and its answer
 * is stored before commit, so a resend — over the socket or HTTP — gets the original
 * `{ message, event }` and writes nothing.
 *
 * Side effects of a staff message: the first one sets `firstResponseAt`; on a waiting
 * session it also assigns the session to its author (status active).
 */
import { claimKey, recordResult, requestFingerprint, type Db } from "@roomcast/db";
import {
  CHAT_MESSAGE,
  CHAT_SESSION_UPDATED,
  MAX_CHAT_MESSAGE_LENGTH,
  type ChatMessageView,
  type ChatSenderRole,
  type Principal,
  type PublishOk,
} from "@roomcast/protocol";
import { loadSession } from "./access";
import { ChatError } from "./chat-error";
import { chatWrite, type SessionEvent } from "./chat-write";
import { newId } from "./ids";
import { messageView, sessionView } from "./views";

export interface PostMessageInput {
  sessionId: string;
  text: string;
  key?: string | undefined;
}

export interface PostedMessage {
  message: ChatMessageView;
  /** The `message` event on `chat:<session>` (what a socket publish acks). */
  event: PublishOk;
  /** True when the key had been used before and this is the original answer. */
  duplicate: boolean;
}

export async function postMessage(db: Db, actor: Principal, input: PostMessageInput): Promise<PostedMessage> {
  const text = input.text.trim();
  if (text.length === 0 || text.length > MAX_CHAT_MESSAGE_LENGTH) {
    throw new ChatError("invalid", `text must be 1 to ${MAX_CHAT_MESSAGE_LENGTH} characters`);
  }
  const senderRole: ChatSenderRole = actor.role === "visitor" ? "visitor" : actor.role === "service" ? "system" : "agent";
  // The key is bound to this message (session and text): reused for another one it is refused.
  const keyRef =
    input.key === undefined
      ? undefined
      : { tenant: actor.tenant, source: `${actor.role}:${actor.sub}`, key: input.key, fingerprint: requestFingerprint({ session: input.sessionId, text }) };
  return chatWrite<PostedMessage>(db, actor.tenant, async ({ tx, now }) => {
    if (keyRef !== undefined) {
      const claim = await claimKey(tx, keyRef);
      if (!claim.fresh) return { kind: "done", value: { ...(claim.result as Omit<PostedMessage, "duplicate">), duplicate: true } };
    }
    const current = await loadSession(tx, actor, input.sessionId);
    if (current.status === "ended") throw new ChatError("invalid", "the session has ended");
    const row = await tx.chatMessage.create({
      data: { id: newId("m"), tenantId: actor.tenant, sessionId: current.id, senderRole, senderId: actor.sub, senderName: actor.name ?? null, text, createdAt: now },
    });
    const staff = senderRole === "agent";
    const takesOver = staff && current.status === "waiting";
    const session = await tx.chatSession.update({
      where: { id: current.id },
      data: {
        messageCount: { increment: 1 },
        updatedAt: now,
        ...(staff && current.firstResponseAt === null ? { firstResponseAt: now } : {}),
        ...(takesOver ? { status: "active", agentId: actor.sub } : {}),
      },
    });
    const message = messageView(row);
    const events: SessionEvent[] = [{ type: CHAT_MESSAGE, data: message, priority: 6 }];
    if (takesOver) events.push({ type: CHAT_SESSION_UPDATED, data: sessionView(session) });
    return {
      kind: "write",
      session,
      sessionEvents: events,
      finish: async (innerTx, published) => {
        const first = published[0];
        if (first === undefined) throw new Error("message event was not published");
        const answer = { message, event: { id: first.id, stream: first.stream, offset: first.offset } };
        if (keyRef !== undefined) await recordResult(innerTx, keyRef, answer);
        return { ...answer, duplicate: false };
      },
    };
  });
}
