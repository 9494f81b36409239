/**
 * `npm run revoke -- --tenant acme (--user alice | --session s_81f2) [--url http://localhost:3000]`
 * revokes every token of a user, or of a chat session, on every node: it calls the admin
 * API (`POST /api/v1/admin/revoke`, auth/revoke.routes.ts) of any gateway with a one-minute
 * admin token it signs with the configured secret, so the gateway's own use case does the
 * work (the revocation list, and the disconnect on every node). Prints the answer; exit 0 on
 * success, 1 when refused or unreachable (bounded: 10 s), 2 on a usage error.
 */
import { loadConfig } from "@roomcast/config";
import { idSchema } from "@roomcast/protocol";
import { parseArgs } from "node:util";
import { z } from "zod";
import { signToken } from "../auth/sign-token";

const argsSchema = z
  .object({ tenant: idSchema, user: idSchema.optional(), session: idSchema.optional(), url: z.url().default("http://localhost:3000") })
  .refine((a) => (a.user === undefined) !== (a.session === undefined), "give exactly one of --user and --session");

const USAGE = "usage: npm run revoke -- --tenant <id> (--user <id> | --session <id>) [--url <gateway url>]\n";
const TIMEOUT_MS = 10_000;

async function main(): Promise<number> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      options: { tenant: { type: "string" }, user: { type: "string" }, session: { type: "string" }, url: { type: "string" } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${USAGE}  ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(USAGE);
    for (const issue of parsed.error.issues) process.stderr.write(`  ${issue.path.length > 0 ? `--${issue.path.join(".")}: ` : ""}${issue.message}\n`);
    return 2;
  }
  const { config, warnings } = loadConfig(process.env);
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  const { tenant, user, session, url } = parsed.data;
  const token = signToken(config.jwt, { sub: "roomcast-cli", tenant, role: "admin", ttlSeconds: 60 });
  try {
    const response = await fetch(new URL("/api/v1/admin/revoke", url), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(user !== undefined ? { user } : { session }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    process.stdout.write(`${await response.text()}\n`);
    return response.ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
