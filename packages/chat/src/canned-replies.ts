/**
 * Canned replies of a tenant: admins create, change and delete them; every console user
 * lists them and inserts one into the reply box by typing `/<shortcut>`. Each change and
 * its `canned:updated` event (`{ op: "upsert", reply }` or `{ op: "delete", id }`) on the
 * tenant's `chat` stream commit together, so every console on every node sees it. A
 * shortcut is unique per tenant (`invalid` when taken); a tenant has at most
 * MAX_CANNED_REPLIES.
 */
import { Prisma, publish, type Db, type DbTransaction } from "@roomcast/db";
import {
  CANNED_SHORTCUT_PATTERN,
  CHAT_CANNED_UPDATED,
  MAX_CANNED_REPLIES,
  MAX_CHAT_MESSAGE_LENGTH,
  type CannedReplyChange,
  type CannedReplyView,
  type Principal,
} from "@roomcast/protocol";
import { ChatError } from "./chat-error";
import { lockTenant } from "./chat-write";
import { newId } from "./ids";

export interface CannedReplyInput {
  shortcut: string;
  text: string;
}

/** The reply as stored (shortcut lower-cased, text trimmed), or the refusal. */
export function parseCannedReply(input: CannedReplyInput): CannedReplyInput {
  const shortcut = input.shortcut.trim().toLowerCase();
  if (!CANNED_SHORTCUT_PATTERN.test(shortcut)) throw new ChatError("invalid", "shortcut must be 1 to 32 of a-z, 0-9, _ and -");
  const text = input.text.trim();
  if (text.length === 0 || text.length > MAX_CHAT_MESSAGE_LENGTH) throw new ChatError("invalid", `text must be 1 to ${MAX_CHAT_MESSAGE_LENGTH} characters`);
  return { shortcut, text };
}

const view = (row: { id: string; shortcut: string; text: string; updatedAt: Date }): CannedReplyView => ({ id: row.id, shortcut: row.shortcut, text: row.text, updatedAt: row.updatedAt.toISOString() });

function assertAdmin(actor: Principal): void {
  if (actor.role !== "admin" && actor.role !== "service") throw new ChatError("forbidden", "only admins change canned replies");
}

export async function listCannedReplies(db: Db, actor: Principal): Promise<CannedReplyView[]> {
  if (actor.role === "visitor" || actor.role === "member") throw new ChatError("forbidden", "canned replies are for agents and admins");
  const rows = await db.prisma.cannedReply.findMany({ where: { tenantId: actor.tenant }, orderBy: { shortcut: "asc" }, take: MAX_CANNED_REPLIES });
  return rows.map(view);
}

async function commit<T>(db: Db, actor: Principal, work: (tx: DbTransaction) => Promise<{ change: CannedReplyChange; value: T }>): Promise<T> {
  assertAdmin(actor);
  try {
    return await db.prisma.$transaction(async (tx) => {
      // The tenant lock serialises the tenant's changes, so the count and the events follow commit order.
      await lockTenant(tx, actor.tenant);
      const { change, value } = await work(tx);
      await publish(tx, { tenant: actor.tenant, channel: "chat", type: CHAT_CANNED_UPDATED, data: change, priority: 4, source: "chat" });
      return value;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new ChatError("invalid", "a canned reply with that shortcut exists");
    throw error;
  }
}

export async function createCannedReply(db: Db, actor: Principal, input: CannedReplyInput): Promise<CannedReplyView> {
  const data = parseCannedReply(input);
  return commit(db, actor, async (tx) => {
    const count = await tx.cannedReply.count({ where: { tenantId: actor.tenant } });
    if (count >= MAX_CANNED_REPLIES) throw new ChatError("invalid", `a tenant has at most ${MAX_CANNED_REPLIES} canned replies`);
    const reply = view(await tx.cannedReply.create({ data: { id: newId("c"), tenantId: actor.tenant, ...data } }));
    return { change: { op: "upsert", reply }, value: reply };
  });
}

export async function updateCannedReply(db: Db, actor: Principal, id: string, input: CannedReplyInput): Promise<CannedReplyView> {
  const data = parseCannedReply(input);
  return commit(db, actor, async (tx) => {
    const found = await tx.cannedReply.findFirst({ where: { id, tenantId: actor.tenant } });
    if (found === null) throw new ChatError("not_found", "no such canned reply");
    const reply = view(await tx.cannedReply.update({ where: { id }, data: { ...data, updatedAt: new Date() } }));
    return { change: { op: "upsert", reply }, value: reply };
  });
}

export async function deleteCannedReply(db: Db, actor: Principal, id: string): Promise<{ id: string }> {
  return commit(db, actor, async (tx) => {
    const removed = await tx.cannedReply.deleteMany({ where: { id, tenantId: actor.tenant } });
    if (removed.count === 0) throw new ChatError("not_found", "no such canned reply");
    return { change: { op: "delete", id }, value: { id } };
  });
}
