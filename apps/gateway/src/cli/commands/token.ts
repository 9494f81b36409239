/**
 * `roomcast token --tenant acme --sub alice --role admin [--session s1] [--ttl 3600]`
 * (also `npm run token -- …`) prints a token signed with the configured secret (the
 * development secret by default). `--operator` signs a deployment operator token (role
 * admin, tenant `_deployment`: every tenant through the admin API, manage/actor.ts).
 */
import { ROLES, idSchema } from "@roomcast/protocol";
import { z } from "zod";
import { signToken } from "../../auth/sign-token";
import { OPERATOR_TENANT } from "../../manage/actor";
import { describeIssues } from "../../validation/describe-issues";
import { stringOf } from "../cli-args";
import { UsageError } from "../cli-io";
import { parseOrHelp, type Command } from "../command";

const argsSchema = z.object({
  tenant: idSchema,
  sub: idSchema,
  role: z.enum(ROLES),
  session: idSchema.optional(),
  ttl: z.coerce.number().int().positive().default(3600),
});

const USAGE = `usage: roomcast token (--tenant <id> --sub <id> --role <${ROLES.join("|")}> [--session <id>] | --operator [--sub <id>]) [--ttl <seconds>] [--json]`;

export const tokenCommand: Command = {
  name: "token",
  summary: "print a token signed with the configured secret (--operator: a deployment operator token)",
  usage: USAGE,
  async run(ctx, args) {
    const parsed = parseOrHelp(
      ctx,
      USAGE,
      args,
      { tenant: { type: "string" }, sub: { type: "string" }, role: { type: "string" }, session: { type: "string" }, ttl: { type: "string" }, operator: { type: "boolean" } },
      { min: 0, max: 0, names: "" },
    );
    if (parsed === undefined) return 0;
    const { values } = parsed;
    const operator = values.operator === true;
    if (operator && (values.tenant !== undefined || values.role !== undefined || values.session !== undefined)) {
      throw new UsageError(`--operator sets the tenant (${OPERATOR_TENANT}) and role (admin) itself\n${USAGE}`);
    }
    const raw = operator
      ? { tenant: OPERATOR_TENANT, sub: stringOf(values, "sub") ?? "operator", role: "admin", ttl: stringOf(values, "ttl") }
      : { tenant: stringOf(values, "tenant"), sub: stringOf(values, "sub"), role: stringOf(values, "role"), session: stringOf(values, "session"), ttl: stringOf(values, "ttl") };
    const checked = argsSchema.safeParse(raw);
    if (!checked.success) throw new UsageError(`${describeIssues(checked.error.issues)}\n${USAGE}`);
    const { tenant, sub, role, session, ttl } = checked.data;
    if (role === "visitor" && session === undefined) throw new UsageError("a visitor token needs --session");
    const { config } = ctx.config();
    const token = signToken(config.jwt, { tenant, sub, role, session, ttlSeconds: ttl });
    ctx.print(parsed.json, { token }, () => `${token}\n`);
    return 0;
  },
};
