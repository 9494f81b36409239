/**
 * Producers for delivery tests: publish through @roomcast/db inside a Prisma transaction,
 * exactly as a product service would.
 */
import { publishMany, type Db, type OutboxEventInput } from "@roomcast/db";

export function chatEvent(session: string, n: number, tenant = "acme"): OutboxEventInput {
  return { tenant, channel: "chat", topic: session, type: "message", data: { n }, source: "test" };
}

/** Publishes `count` events in transactions of `perTx`. */
export async function publishCount(db: Db, count: number, make: (i: number) => OutboxEventInput, perTx = 100): Promise<void> {
  for (let start = 0; start < count; start += perTx) {
    const batch = Array.from({ length: Math.min(perTx, count - start) }, (_, i) => make(start + i));
    await db.prisma.$transaction((tx) => publishMany(tx, batch));
  }
}
