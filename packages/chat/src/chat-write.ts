/**
 * chatWrite: the one way the chat domain changes data.
 *
 * Each write is one transaction that (1) locks the tenant's row (FOR NO KEY UPDATE), so the
 * chat writes of one tenant commit one at a time; (2) makes its change; (3) computes the
 * tenant's metrics *after* its change and after every earlier writer's commit (the lock
 * waited for them; READ COMMITTED reads what they committed); (4) publishes, in the same
 * transaction, its session-stream events, a `session:updated` with the whole session and a
 * `metrics:updated` with the whole metrics on the tenant `chat` stream, plus any extra
 * events (notifications). Because the tenant stream's offsets follow commit order, its last
 * `metrics:updated` always equals what `computeMetrics` returns right after that commit:
 * the console's live figures and the snapshot endpoint agree.
 *
 * A step may end the write early with `{ kind: "done" }` (a repeated idempotency key, a
 * no-op): nothing is published then.
 */
import { publishMany, type Db, type DbTransaction, type OutboxEventInput, type PublishedEvent, type ChatSession } from "@roomcast/db";
import { CHAT_METRICS_UPDATED, CHAT_SESSION_UPDATED, PRIORITY_DEFAULT, type ChatRouting } from "@roomcast/protocol";
import { ChatError } from "./chat-error";
import { computeMetrics } from "./metrics";
import { sessionView } from "./views";

export const CHAT_SOURCE = "chat";
const TX_OPTIONS = { maxWait: 5_000, timeout: 15_000 };

export interface SessionEvent {
  type: string;
  data: unknown;
  priority?: number;
}

export type WriteStep<T> =
  | { kind: "done"; value: T }
  | {
      kind: "write";
      /** The session after the change. */
      session: ChatSession;
      /** Events for `chat:<session>`, in order. */
      sessionEvents: SessionEvent[];
      /** Other events committed with the change (e.g. a notification). */
      extra?: OutboxEventInput[];
      /** Builds the answer from the published events (session events first, in order). */
      finish: (tx: DbTransaction, published: PublishedEvent[]) => Promise<T>;
    };

/**
 * Takes the tenant's lock (its row, FOR NO KEY UPDATE) until the transaction ends, which
 * serialises the tenant's chat writes; answers the settings read with it. `not_found` for
 * an unknown tenant.
 */
export async function lockTenant(tx: DbTransaction, tenant: string): Promise<{ routing: ChatRouting }> {
  const locked = await tx.$queryRaw<Array<{ chat_routing: ChatRouting }>>`SELECT chat_routing FROM tenants WHERE id = ${tenant} FOR NO KEY UPDATE`;
  const row = locked[0];
  if (row === undefined) throw new ChatError("not_found", "unknown tenant");
  return { routing: row.chat_routing };
}

export interface WriteContext {
  tx: DbTransaction;
  /** The tenant's routing setting, read with its lock. */
  routing: ChatRouting;
  /** The database clock once the tenant lock is held, for every timestamp the write sets. */
  now: Date;
}

export async function chatWrite<T>(db: Db, tenant: string, work: (ctx: WriteContext) => Promise<WriteStep<T>>): Promise<T> {
  return db.prisma.$transaction(async (tx) => {
    const { routing } = await lockTenant(tx, tenant);
    // Read after the lock is held, so timestamps follow commit order within the tenant.
    const clock = await tx.$queryRaw<Array<{ now: Date }>>`SELECT clock_timestamp() AS now`;
    const now = clock[0]?.now ?? new Date();
    const step = await work({ tx, now, routing });
    if (step.kind === "done") return step.value;
    const metrics = await computeMetrics(tx, tenant);
    const sessionEvents: OutboxEventInput[] = step.sessionEvents.map((e) => ({
      tenant,
      channel: "chat",
      topic: step.session.id,
      type: e.type,
      data: e.data,
      priority: e.priority ?? PRIORITY_DEFAULT,
      source: CHAT_SOURCE,
    }));
    const listEvents: OutboxEventInput[] = [
      { tenant, channel: "chat", type: CHAT_SESSION_UPDATED, data: sessionView(step.session), source: CHAT_SOURCE },
      { tenant, channel: "chat", type: CHAT_METRICS_UPDATED, data: metrics, priority: 3, source: CHAT_SOURCE },
    ];
    const published = await publishMany(tx, [...sessionEvents, ...listEvents, ...(step.extra ?? [])]);
    return step.finish(tx, published);
  }, TX_OPTIONS);
}
