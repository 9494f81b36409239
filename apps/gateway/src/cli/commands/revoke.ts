/**
 * `roomcast revoke --tenant acme (--user alice | --session s_81f2) [--url http://localhost:3000]`
 * (also `npm run revoke -- …`) revokes every token of a user, or of a chat session, on
 * every node: it calls the admin API (`POST /api/v1/admin/revoke`, auth/revoke.routes.ts)
 * of any gateway with a one-minute admin token it signs with the configured secret, so the
 * gateway's own use case does the work (the revocation list, and the disconnect on every
 * node). Prints the answer; exit 0 on success, 1 when refused or unreachable (bounded:
 * 10 s), 2 on a usage error.
 */
import { idSchema } from "@roomcast/protocol";
import { z } from "zod";
import { describeIssues } from "../../validation/describe-issues";
import { callAdminApi } from "../admin-call";
import { stringOf } from "../cli-args";
import { UsageError } from "../cli-io";
import { parseOrHelp, type Command } from "../command";

const argsSchema = z
  .object({ tenant: idSchema, user: idSchema.optional(), session: idSchema.optional() })
  .refine((a) => (a.user === undefined) !== (a.session === undefined), "give exactly one of --user and --session");

const USAGE = "usage: roomcast revoke --tenant <id> (--user <id> | --session <id>) [--url <gateway url>]";

export const revokeCommand: Command = {
  name: "revoke",
  summary: "revoke a user's or a chat session's tokens on every node (through a gateway's admin API)",
  usage: USAGE,
  async run(ctx, args) {
    const parsed = parseOrHelp(ctx, USAGE, args, { tenant: { type: "string" }, user: { type: "string" }, session: { type: "string" }, url: { type: "string" } }, { min: 0, max: 0, names: "" });
    if (parsed === undefined) return 0;
    const { values } = parsed;
    const checked = argsSchema.safeParse({ tenant: stringOf(values, "tenant"), user: stringOf(values, "user"), session: stringOf(values, "session") });
    if (!checked.success) throw new UsageError(`${describeIssues(checked.error.issues)}\n${USAGE}`);
    const { tenant, user, session } = checked.data;
    const answer = await callAdminApi(ctx, {
      url: stringOf(values, "url"),
      tenant,
      method: "POST",
      path: "/api/v1/admin/revoke",
      body: user !== undefined ? { user } : { session },
      usage: USAGE,
    });
    ctx.io.out(`${answer.text}\n`);
    return answer.ok ? 0 : 1;
  },
};
