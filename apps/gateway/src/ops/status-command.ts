/**
 * `roomcast status`: asks a gateway for `GET /api/v1/status` and prints the answer, as
 * JSON (`json: true`, the body as the gateway sent it, indented) or as a short summary.
 * The caller (the CLI) parses arguments and signs the admin token; this only talks HTTP.
 *
 * Exit codes: 0 the cluster answered complete; 3 it answered but some node did not (the
 * answer is still printed, `missing` names them); 1 refused, unreachable or an answer
 * that is not a status (the reason on `err`). Bounded: the gateway answers within 6 s,
 * the request gives up after `timeoutMs` (default 10 s).
 */
import type { ClusterStatus } from "./cluster-status";

export interface StatusCommandOptions {
  /** The gateway's base URL, e.g. http://localhost:3000. */
  url: string;
  /** A token with the admin role. */
  token: string;
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export const STATUS_INCOMPLETE_EXIT = 3;

export async function runStatusCommand(options: StatusCommandOptions): Promise<number> {
  const { url, out, err } = options;
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  let body: string;
  try {
    response = await doFetch(new URL("/api/v1/status", url), {
      headers: { authorization: `Bearer ${options.token}`, accept: "application/json" },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    body = await response.text();
  } catch (error) {
    err(`cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    err(`${url} answered ${response.status} with something that is not JSON\n`);
    return 1;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } }).error;
    err(`${url} refused the status request (${response.status} ${error?.code ?? ""}): ${error?.message ?? body}\n`);
    return 1;
  }
  if (!isClusterStatus(parsed)) {
    err(`${url} answered 200 with something that is not a cluster status\n`);
    return 1;
  }
  out(options.json ? `${JSON.stringify(parsed, null, 2)}\n` : formatStatus(parsed));
  return parsed.complete ? 0 : STATUS_INCOMPLETE_EXIT;
}

function isClusterStatus(value: unknown): value is ClusterStatus {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.answeredBy === "string" && Array.isArray(v.nodes) && typeof v.complete === "boolean" && Array.isArray(v.missing);
}

const pairs = (record: Record<string, number> | undefined) =>
  Object.entries(record ?? {})
    .map(([k, n]) => `${k} ${n}`)
    .join(", ") || "none";

/** A few lines for a person; `--json` has everything. */
export function formatStatus(status: ClusterStatus): string {
  const lines = [`answered by ${status.answeredBy} in ${status.elapsedMs} ms: ${status.complete ? "complete" : "INCOMPLETE"} (${status.nodes.length} node${status.nodes.length === 1 ? "" : "s"})`];
  for (const node of status.nodes) lines.push(`  ${node.nodeId}  up ${node.uptimeSeconds} s  ${node.sockets} sockets`);
  if (status.missing.length > 0) lines.push(`missing: ${status.missing.join(", ")}`);
  if (status.unreachable.length > 0) lines.push(`unreachable: ${status.unreachable.join("; ")}`);
  lines.push(`connections per tenant: ${pairs(status.connectionsPerTenant)}`);
  lines.push(`subscribers per channel: ${pairs(status.subscribersPerChannel)}`);
  const busiest = Object.entries(status.busiestStreams ?? {});
  if (busiest.length > 0) {
    lines.push("busiest streams:");
    for (const [tenant, streams] of busiest) lines.push(`  ${tenant}: ${streams.map((s) => `${s.stream} (${s.subscribers})`).join(", ")}`);
  }
  lines.push(
    status.backlog === null
      ? "outbox: unknown (the database did not answer in time)"
      : `outbox: ${status.backlog.pending} pending, ${status.backlog.quarantined} quarantined, relay lag ${(status.relayLagSeconds ?? 0).toFixed(1)} s`,
  );
  return `${lines.join("\n")}\n`;
}
