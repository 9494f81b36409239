/**
 * The commands that act on a running deployment (`revoke`, `user disable --url`) call a
 * gateway's admin API, so the gateway's own use case does the work — including what only a
 * running node can do (the revocation list and the disconnect on every node). One place
 * for how: the `--url` argument checked, a one-minute admin token signed with the
 * configured secret (`tenant` picks whose admin; OPERATOR_TENANT for the deployment), a
 * JSON request bounded by `timeoutMs` (default 10 s), and the answer parsed.
 *
 * Resolves with the status and the JSON body; a gateway that cannot be reached, or that
 * answers something other than JSON, is a CliFailure naming the URL (exit 1).
 */
import { z } from "zod";
import { signToken } from "../auth/sign-token";
import { describeIssues } from "../validation/describe-issues";
import type { CliContext } from "./cli-context";
import { CliFailure, UsageError } from "./cli-io";

const DEFAULT_URL = "http://localhost:3000";
const TIMEOUT_MS = 10_000;

export interface AdminCall {
  /** The gateway's base URL as given with --url (checked here); default http://localhost:3000. */
  url: string | undefined;
  /** The tenant whose admin the token speaks for. */
  tenant: string;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  usage: string;
  timeoutMs?: number;
}

export interface AdminAnswer {
  ok: boolean;
  status: number;
  body: unknown;
  text: string;
}

export function gatewayUrl(url: string | undefined, usage: string): string {
  const checked = z.url().default(DEFAULT_URL).safeParse(url);
  if (!checked.success) throw new UsageError(`--url: ${describeIssues(checked.error.issues)}\n${usage}`);
  return checked.data;
}

export async function callAdminApi(ctx: CliContext, call: AdminCall): Promise<AdminAnswer> {
  const url = gatewayUrl(call.url, call.usage);
  const token = signToken(ctx.config().config.jwt, { sub: "roomcast-cli", tenant: call.tenant, role: "admin", ttlSeconds: 60 });
  let response: Response;
  let text: string;
  try {
    response = await fetch(new URL(call.path, url), {
      method: call.method,
      headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${token}` },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      signal: AbortSignal.timeout(call.timeoutMs ?? TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    throw new CliFailure(`cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CliFailure(`${url} answered ${response.status} with something that is not JSON`);
  }
  return { ok: response.ok, status: response.status, body, text };
}

/** The `{ ok: false, error: { code, message } }` of a refusal, as one line. */
export function describeRefusal(answer: AdminAnswer): string {
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return `${String(error?.message ?? answer.text)} (${String(error?.code ?? answer.status)})`;
}
