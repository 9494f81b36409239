/**
 * `npm run token -- --tenant acme --sub alice --role admin [--session s1] [--ttl 3600]`
 * prints a token signed with the configured secret (the development secret by default).
 */
import { loadConfig } from "@roomcast/config";
import { ROLES, idSchema } from "@roomcast/protocol";
import { parseArgs } from "node:util";
import { z } from "zod";
import { signToken } from "../auth/sign-token";

const argsSchema = z.object({
  tenant: idSchema,
  sub: idSchema,
  role: z.enum(ROLES),
  session: idSchema.optional(),
  ttl: z.coerce.number().int().positive().default(3600),
});

const USAGE = `usage: npm run token -- --tenant <id> --sub <id> --role <${ROLES.join("|")}> [--session <id>] [--ttl <seconds>]\n`;

function main(): number {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      options: { tenant: { type: "string" }, sub: { type: "string" }, role: { type: "string" }, session: { type: "string" }, ttl: { type: "string" } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${USAGE}  ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(USAGE);
    for (const issue of parsed.error.issues) process.stderr.write(`  --${issue.path.join(".")}: ${issue.message}\n`);
    return 2;
  }
  const { config, warnings } = loadConfig(process.env);
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  const { tenant, sub, role, session, ttl } = parsed.data;
  if (role === "visitor" && session === undefined) {
    process.stderr.write("a visitor token needs --session\n");
    return 2;
  }
  process.stdout.write(`${signToken(config.jwt, { tenant, sub, role, session, ttlSeconds: ttl })}\n`);
  return 0;
}

process.exitCode = main();
