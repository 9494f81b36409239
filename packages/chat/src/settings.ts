/**
 * The tenant's chat settings: `routing` is `auto` (a new chat goes to the available agent
 * with the fewest active chats, routing.ts) or `manual` (every new chat waits until an
 * agent takes it). Only an admin (or a service) changes it; the change and its
 * `settings:updated` event on the tenant's `chat` stream commit together, so every console
 * on every node shows the new setting.
 */
import { publish, type Db } from "@roomcast/db";
import { CHAT_SETTINGS_UPDATED, type ChatRouting, type ChatSettings, type Principal } from "@roomcast/protocol";
import { ChatError } from "./chat-error";
import { lockTenant } from "./chat-write";

export async function chatSettings(db: Db, tenant: string): Promise<ChatSettings> {
  const row = await db.prisma.tenant.findUnique({ where: { id: tenant }, select: { chatRouting: true } });
  if (row === null) throw new ChatError("not_found", "unknown tenant");
  return { routing: row.chatRouting };
}

export async function setChatRouting(db: Db, actor: Principal, routing: ChatRouting): Promise<ChatSettings> {
  if (actor.role !== "admin" && actor.role !== "service") throw new ChatError("forbidden", "only admins change the chat settings");
  return db.prisma.$transaction(async (tx) => {
    const current = await lockTenant(tx, actor.tenant);
    const settings: ChatSettings = { routing };
    if (current.routing === routing) return settings;
    await tx.tenant.update({ where: { id: actor.tenant }, data: { chatRouting: routing } });
    await publish(tx, { tenant: actor.tenant, channel: "chat", type: CHAT_SETTINGS_UPDATED, data: settings, priority: 6, source: "chat" });
    return settings;
  });
}
