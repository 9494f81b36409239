/**
 * `roomcast user create|list|disable|enable|set-password`: a tenant's console users (manage/users.ts).
 *
 * `user disable` works on the database by default (sign-in is refused from then on; the
 * tokens already issued stay valid until they expire, which the command says). With
 * `--url <gateway>` it asks that gateway's admin API instead, which also revokes the
 * user's tokens on every node and disconnects their sockets at once.
 */
import { OPERATOR_TENANT } from "../../manage/actor";
import type { UserView } from "../../manage/users";
import { callAdminApi, describeRefusal } from "../admin-call";
import { stringOf } from "../cli-args";
import { group, parseOrHelp } from "../command";
import { CliFailure, UsageError } from "../cli-io";
import { readPassword } from "../read-password";

const CREATE = "usage: roomcast user create <tenant> <email> --role agent|admin [--name <name>] [--id <user id>] [--password-stdin] [--json]";
const LIST = "usage: roomcast user list <tenant> [--json]";
const DISABLE = "usage: roomcast user disable <tenant> <email> [--url <gateway url>] [--json]";
const ENABLE = "usage: roomcast user enable <tenant> <email> [--json]";
const SET_PASSWORD = "usage: roomcast user set-password <tenant> <email> --password-stdin [--json]";

function describeUser(u: UserView): string {
  const state = [u.disabled ? "disabled" : "active", u.hasPassword ? "password set" : "no password yet"].join(", ");
  return `${u.email}\t${u.role}\t${u.id}\t${u.name}\t(${state})\n`;
}

const TWO = { min: 2, max: 2, names: "<tenant> <email>" };

export const userCommand = group("user", "create, list and disable a tenant's agents and admins, set their passwords", {
  create: {
    usage: CREATE,
    async run(ctx, args) {
      const parsed = parseOrHelp(ctx, CREATE, args, { role: { type: "string" }, name: { type: "string" }, id: { type: "string" }, "password-stdin": { type: "boolean" } }, TWO);
      if (parsed === undefined) return 0;
      const { values, positionals, json } = parsed;
      const password = values["password-stdin"] === true ? await readPassword(ctx.io) : undefined;
      const input = { email: positionals[1], role: stringOf(values, "role"), name: stringOf(values, "name"), id: stringOf(values, "id"), password };
      const user = await ctx.withManagement((m, actor) => m.createUser(actor, positionals[0], input));
      ctx.print(json, { user }, () => `created ${describeUser(user)}${user.hasPassword ? "" : "set a password with: roomcast user set-password <tenant> <email> --password-stdin\n"}`);
      return 0;
    },
  },
  list: {
    usage: LIST,
    async run(ctx, args) {
      const parsed = parseOrHelp(ctx, LIST, args, {}, { min: 1, max: 1, names: "<tenant>" });
      if (parsed === undefined) return 0;
      const users = await ctx.withManagement((m, actor) => m.listUsers(actor, parsed.positionals[0]));
      ctx.print(parsed.json, { users }, () => (users.length === 0 ? "no users\n" : users.map(describeUser).join("")));
      return 0;
    },
  },
  disable: {
    usage: DISABLE,
    async run(ctx, args) {
      const parsed = parseOrHelp(ctx, DISABLE, args, { url: { type: "string" } }, TWO);
      if (parsed === undefined) return 0;
      const [tenant, email] = parsed.positionals as [string, string];
      const url = stringOf(parsed.values, "url");
      if (url !== undefined) {
        const answer = await callAdminApi(ctx, {
          url,
          tenant: OPERATOR_TENANT,
          method: "POST",
          path: `/api/v1/admin/tenants/${encodeURIComponent(tenant)}/users/${encodeURIComponent(email)}/disable`,
          usage: DISABLE,
        });
        if (!answer.ok) throw new CliFailure(`${url} refused to disable ${email}: ${describeRefusal(answer)}`);
        const user = (answer.body as { user: UserView & { tokensRevoked: boolean } }).user;
        ctx.print(parsed.json, { user }, () => `disabled ${describeUser(user)}${user.tokensRevoked ? "its tokens are revoked on every node\n" : `its tokens could NOT be revoked now (the revocation list is unreachable): run roomcast revoke --tenant ${user.tenant} --user ${user.id} --url ${url}\n`}`);
        return user.tokensRevoked ? 0 : 1;
      }
      const user = await ctx.withManagement((m, actor) => m.disableUser(actor, tenant, email));
      ctx.print(parsed.json, { user }, () => `disabled ${describeUser(user)}`);
      ctx.io.err(
        `note: sign-in is refused from now on; tokens already issued to ${user.id} stay valid until they expire. ` +
          `To end them now as well, disable through a running gateway: roomcast user disable ${tenant} ${email} --url <gateway>\n`,
      );
      return 0;
    },
  },
  enable: {
    usage: ENABLE,
    async run(ctx, args) {
      const parsed = parseOrHelp(ctx, ENABLE, args, {}, TWO);
      if (parsed === undefined) return 0;
      const user = await ctx.withManagement((m, actor) => m.enableUser(actor, parsed.positionals[0], parsed.positionals[1]));
      ctx.print(parsed.json, { user }, () => `enabled ${describeUser(user)}`);
      return 0;
    },
  },
  "set-password": {
    usage: SET_PASSWORD,
    async run(ctx, args) {
      const parsed = parseOrHelp(ctx, SET_PASSWORD, args, { "password-stdin": { type: "boolean" } }, TWO);
      if (parsed === undefined) return 0;
      if (parsed.values["password-stdin"] !== true) throw new UsageError(`give --password-stdin and the password on standard input (never on the command line)\n${SET_PASSWORD}`);
      const password = await readPassword(ctx.io);
      const user = await ctx.withManagement((m, actor) => m.setPassword(actor, parsed.positionals[0], parsed.positionals[1], password));
      ctx.print(parsed.json, { user }, () => `password set for ${describeUser(user)}`);
      return 0;
    },
  },
});
