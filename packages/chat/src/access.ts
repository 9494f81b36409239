/**
 * Who may read or write a chat session. The tenant is already fixed by every query (rows
 * are looked up by tenant and id), so this weighs role and ownership only: a visitor only
 * its own session (the `sid` of its token, and it must be the session's visitor), members
 * never, staff (agent, admin, service) every session of their tenant.
 */
import type { ChatSession } from "@roomcast/db";
import type { Principal } from "@roomcast/protocol";
import { ChatError } from "./chat-error";

export const STAFF_ROLES = ["agent", "admin", "service"] as const;

export function assertSessionAccess(actor: Principal, session: ChatSession): void {
  if (actor.role === "visitor") {
    if (actor.session !== session.id || actor.sub !== session.visitorId) throw new ChatError("forbidden", "a visitor may only use its own chat session");
    return;
  }
  if (actor.role === "member") throw new ChatError("forbidden", "members have no access to support chat");
}

export async function loadSession(
  client: { chatSession: { findFirst(args: { where: { id: string; tenantId: string } }): Promise<ChatSession | null> } },
  actor: Principal,
  sessionId: string,
): Promise<ChatSession> {
  const session = await client.chatSession.findFirst({ where: { id: sessionId, tenantId: actor.tenant } });
  // A visitor asking for someone else's session learns nothing about whether it exists.
  if (session === null) throw new ChatError(actor.role === "visitor" ? "forbidden" : "not_found", actor.role === "visitor" ? "a visitor may only use its own chat session" : "no such chat session");
  assertSessionAccess(actor, session);
  return session;
}
