/**
 * The chat metrics of one tenant, computed by one SQL statement so the live events and the
 * snapshot endpoint can never disagree on a definition. `now()` is the transaction's start
 * time; "today" is the current UTC day.
 */
import type { DbClient } from "@roomcast/db";
import type { ChatMetrics } from "@roomcast/protocol";

interface MetricsRow {
  active: bigint | number;
  waiting: bigint | number;
  ended_today: bigint | number;
  messages_last_hour: bigint | number;
  avg_first_response_ms: number | string | null;
}

export async function computeMetrics(client: DbClient, tenant: string): Promise<ChatMetrics> {
  const rows = await client.$queryRaw<MetricsRow[]>`
    SELECT
      (SELECT count(*) FROM chat_sessions WHERE tenant_id = ${tenant} AND status = 'active') AS active,
      (SELECT count(*) FROM chat_sessions WHERE tenant_id = ${tenant} AND status = 'waiting') AS waiting,
      (SELECT count(*) FROM chat_sessions
         WHERE tenant_id = ${tenant} AND status = 'ended' AND ended_at >= date_trunc('day', now(), 'UTC')) AS ended_today,
      (SELECT count(*) FROM chat_messages
         WHERE tenant_id = ${tenant} AND created_at > now() - interval '1 hour') AS messages_last_hour,
      (SELECT round(avg(extract(epoch FROM first_response_at - created_at) * 1000)) FROM chat_sessions
         WHERE tenant_id = ${tenant} AND first_response_at >= date_trunc('day', now(), 'UTC')) AS avg_first_response_ms`;
  const row = rows[0];
  if (row === undefined) throw new Error("metrics query returned no row");
  return {
    activeSessions: Number(row.active),
    waitingSessions: Number(row.waiting),
    endedToday: Number(row.ended_today),
    messagesLastHour: Number(row.messages_last_hour),
    avgFirstResponseMs: row.avg_first_response_ms === null ? null : Number(row.avg_first_response_ms),
  };
}
