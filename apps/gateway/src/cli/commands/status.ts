/**
 * `roomcast status [--url http://localhost:3000] [--json]` prints a gateway's
 * `GET /api/v1/status` (every node, subscribers per channel, busiest streams, relay lag),
 * asking with a one-minute deployment operator token signed with the configured secret.
 * Exit 0 when every node answered, 3 when some did not (`missing` names them), 1 when
 * refused or unreachable (bounded: 10 s), 2 on a usage error.
 */
import { signToken } from "../../auth/sign-token";
import { OPERATOR_TENANT } from "../../manage/actor";
import { runStatusCommand } from "../../ops/status-command";
import { gatewayUrl } from "../admin-call";
import { stringOf } from "../cli-args";
import { parseOrHelp, type Command } from "../command";

const USAGE = "usage: roomcast status [--url <gateway url>] [--json]";

export const statusCommand: Command = {
  name: "status",
  summary: "print the cluster's status (nodes, subscribers, busiest streams, relay lag) from a gateway",
  usage: USAGE,
  async run(ctx, args) {
    const parsed = parseOrHelp(ctx, USAGE, args, { url: { type: "string" } }, { min: 0, max: 0, names: "" });
    if (parsed === undefined) return 0;
    const url = gatewayUrl(stringOf(parsed.values, "url"), USAGE);
    const { config } = ctx.config();
    const token = signToken(config.jwt, { sub: "roomcast-cli", tenant: OPERATOR_TENANT, role: "admin", ttlSeconds: 60 });
    return runStatusCommand({ url, token, json: parsed.json, out: ctx.io.out, err: ctx.io.err });
  },
};
