/**
 * Routing a new chat: which available agent takes it. `pickAgent` is the pure choice —
 * the candidate with the fewest active chats, ties broken by id so every node picks the
 * same one — and `routeNewSession` reads what it needs inside the caller's chat write
 * (after the tenant lock, so two chats started at once see each other's assignment).
 * Candidates that are not an enabled agent or admin of the tenant are ignored; with none
 * left the chat stays waiting. A tenant whose routing setting is `manual` (settings.ts)
 * routes nothing: every new chat waits for an agent to take it.
 */
import type { DbTransaction } from "@roomcast/db";
import type { ChatRouting } from "@roomcast/protocol";

export function pickAgent(candidates: readonly string[], activeChats: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestCount = Number.POSITIVE_INFINITY;
  for (const id of [...new Set(candidates)].sort()) {
    const count = activeChats.get(id) ?? 0;
    if (count < bestCount) {
      best = id;
      bestCount = count;
    }
  }
  return best;
}

/** `routing`: the tenant's setting, read with its lock (chat-write.ts); `manual` routes nothing. */
export async function routeNewSession(tx: DbTransaction, tenant: string, routing: ChatRouting, available: readonly string[]): Promise<string | undefined> {
  if (available.length === 0 || routing !== "auto") return undefined;
  const agents = await tx.user.findMany({
    where: { tenantId: tenant, id: { in: [...available] }, role: { in: ["agent", "admin"] }, disabledAt: null },
    select: { id: true },
  });
  if (agents.length === 0) return undefined;
  const ids = agents.map((a) => a.id);
  const counts = await tx.chatSession.groupBy({ by: ["agentId"], where: { tenantId: tenant, status: "active", agentId: { in: ids } }, _count: { _all: true } });
  const active = new Map<string, number>();
  for (const row of counts) if (row.agentId !== null) active.set(row.agentId, row._count._all);
  return pickAgent(ids, active);
}
