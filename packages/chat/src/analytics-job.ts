/**
 * The tenant analytics tick: every `intervalMs`, for each tenant with activity, one
 * `analytics:tick` event (active users, events per minute) on `<tenant>:analytics`.
 *
 * One job for the whole cluster, not one per node: every gateway runs this loop, but a
 * round publishes only inside a transaction that holds the `job_leases` row of the job
 * (SELECT … FOR UPDATE SKIP LOCKED: a node that finds it held skips the round) and only
 * when the row's `last_run_at` is at least 90% of an interval old; it then moves
 * `last_run_at` to now() in the same transaction as the events. So however many nodes
 * run, ticks are published about once per interval; when the publishing node dies, the
 * next node whose timer fires takes over, with no lease to expire.
 *
 * `run(signal)` loops until aborted and never rejects: a failed round is logged and the
 * next one tries again. `activeUsers` is asked only by the node that publishes the round.
 */
import { publishMany, type Db, type Logger, type OutboxEventInput } from "@roomcast/db";
import { ANALYTICS_TICK, type AnalyticsTickData } from "@roomcast/protocol";

export const ANALYTICS_JOB = "analytics";

export interface AnalyticsJobDeps {
  db: Db;
  logger: Logger;
  /** This node's name, recorded as the lease holder of the rounds it runs. */
  holder: string;
  /** Distinct connected users per tenant, across the cluster. */
  activeUsers: () => Promise<ReadonlyMap<string, number>>;
}

export interface AnalyticsJob {
  run(signal: AbortSignal): Promise<void>;
  /** One attempt: `published` (how many tenants got a tick) or `skipped` (another node has the round). */
  round(): Promise<{ kind: "published"; tenants: number } | { kind: "skipped" }>;
}

export function createAnalyticsJob(deps: AnalyticsJobDeps, options: { intervalMs: number }): AnalyticsJob {
  const { db, logger } = deps;
  const minGapMs = Math.floor(options.intervalMs * 0.9);

  async function round(): Promise<{ kind: "published"; tenants: number } | { kind: "skipped" }> {
    await db.prisma.$executeRaw`
      INSERT INTO job_leases (name, holder, last_run_at) VALUES (${ANALYTICS_JOB}, ${deps.holder}, 'epoch')
      ON CONFLICT (name) DO NOTHING`;
    return db.prisma.$transaction(
      async (tx) => {
        const lease = await tx.$queryRaw<Array<{ due: boolean }>>`
          SELECT last_run_at <= now() - make_interval(secs => ${minGapMs / 1000}::float8) AS due
          FROM job_leases WHERE name = ${ANALYTICS_JOB} FOR UPDATE SKIP LOCKED`;
        if (lease[0]?.due !== true) return { kind: "skipped" as const };
        const perMinute = await tx.$queryRaw<Array<{ tenant_id: string; n: bigint | number }>>`
          SELECT tenant_id, count(*) AS n FROM outbox_events
          WHERE created_at > now() - interval '60 seconds' AND channel <> 'analytics'
          GROUP BY tenant_id`;
        const users = await deps.activeUsers();
        const tenants = await tx.tenant.findMany({ select: { id: true } });
        const events = new Map(perMinute.map((row) => [row.tenant_id, Number(row.n)]));
        const at = new Date().toISOString();
        const ticks: OutboxEventInput[] = [];
        for (const { id } of tenants) {
          const data: AnalyticsTickData = { activeUsers: users.get(id) ?? 0, eventsPerMinute: events.get(id) ?? 0, at };
          if (data.activeUsers === 0 && data.eventsPerMinute === 0) continue;
          ticks.push({ tenant: id, channel: "analytics", type: ANALYTICS_TICK, data, priority: 2, source: `job:${ANALYTICS_JOB}` });
        }
        await publishMany(tx, ticks);
        await tx.$executeRaw`UPDATE job_leases SET last_run_at = now(), holder = ${deps.holder} WHERE name = ${ANALYTICS_JOB}`;
        return { kind: "published" as const, tenants: ticks.length };
      },
      { maxWait: 5_000, timeout: 30_000 },
    );
  }

  return {
    round,
    async run(signal) {
      while (!signal.aborted) {
        try {
          const result = await round();
          if (result.kind === "published") logger.debug({ tenants: result.tenants }, "analytics tick published");
        } catch (error) {
          logger.warn({ err: error }, "analytics round failed");
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, options.intervalMs);
          function done(): void {
            clearTimeout(timer);
            signal.removeEventListener("abort", done);
            resolve();
          }
          signal.addEventListener("abort", done, { once: true });
        });
      }
    },
  };
}
