/** `roomcast tenant create|list|update|identity-secret`: the tenant use cases (manage/tenants.ts, manage/identity-secret.ts). */
import type { TenantView } from "../../manage/tenants";
import { limitOf, listOf, stringOf, type Parsed } from "../cli-args";
import { UsageError } from "../cli-io";
import { group, parseOrHelp } from "../command";
import { readPassword } from "../read-password";

const CREATE = "usage: roomcast tenant create <id> --name <name> [--origin <https://site> …] [--max-connections N] [--events-per-second N] [--socket-events N] [--json]";
const LIST = "usage: roomcast tenant list [--json]";
const UPDATE =
  "usage: roomcast tenant update <id> [--name <name>] [--origin <url> … (replaces the list) | --add-origin <url> … --remove-origin <url> …] [--max-connections N|default] [--events-per-second N|default] [--socket-events N|default] [--json]";

const IDENTITY_SECRET =
  "usage: roomcast tenant identity-secret <id> (--generate | --secret-stdin | --clear) [--json]\n  the key of the widget's identity verification (userHash = HMAC-SHA256(secret, userId or email)); --generate prints the new secret once";

const limitOptions = { "max-connections": { type: "string" }, "events-per-second": { type: "string" }, "socket-events": { type: "string" } } as const;

function limitsOf(values: Parsed["values"]) {
  const limits = { maxConnections: limitOf(values, "max-connections"), eventsPerSecond: limitOf(values, "events-per-second"), socketEvents: limitOf(values, "socket-events") };
  const given = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
  return Object.keys(given).length === 0 ? undefined : given;
}

export function describeTenant(t: TenantView): string {
  const limits = t.limits === null ? "defaults" : Object.entries(t.limits).map(([k, v]) => `${k}=${v ?? "default"}`).join(" ");
  return `${t.id}\t${t.name}\n  widget key: ${t.widgetKey}\n  allowed origins: ${t.allowedOrigins.length === 0 ? "(none: the gateway's own and ROOMCAST_ALLOWED_ORIGINS only)" : t.allowedOrigins.join(" ")}\n  limits: ${limits}\n`;
}

export const tenantCommand = group("tenant", "create, list and update tenants (name, allowed origins, limits, identity secret)", {
  create: {
    usage: CREATE,
    async run(ctx, args) {
      const parsed = parseOrHelp(ctx, CREATE, args, { name: { type: "string" }, origin: { type: "string", multiple: true }, ...limitOptions }, { min: 1, max: 1, names: "<id>" });
      if (parsed === undefined) return 0;
      const { values, positionals, json } = parsed;
      const input = { id: positionals[0], name: stringOf(values, "name"), origins: listOf(values, "origin"), limits: limitsOf(values) };
      const tenant = await ctx.withManagement((m, actor) => m.createTenant(actor, input));
      ctx.print(json, { tenant }, () => `created tenant ${describeTenant(tenant)}`);
      return 0;
    },
  },
  list: {
    usage: LIST,
    async run(ctx, args) {
      const parsed = parseOrHelp(ctx, LIST, args, {}, { min: 0, max: 0, names: "" });
      if (parsed === undefined) return 0;
      const tenants = await ctx.withManagement((m, actor) => m.listTenants(actor));
      ctx.print(parsed.json, { tenants }, () => (tenants.length === 0 ? "no tenants\n" : tenants.map(describeTenant).join("")));
      return 0;
    },
  },
  update: {
    usage: UPDATE,
    async run(ctx, args) {
      const parsed = parseOrHelp(
        ctx,
        UPDATE,
        args,
        { name: { type: "string" }, origin: { type: "string", multiple: true }, "add-origin": { type: "string", multiple: true }, "remove-origin": { type: "string", multiple: true }, ...limitOptions },
        { min: 1, max: 1, names: "<id>" },
      );
      if (parsed === undefined) return 0;
      const { values, positionals, json } = parsed;
      const input = {
        name: stringOf(values, "name"),
        origins: listOf(values, "origin"),
        addOrigins: listOf(values, "add-origin"),
        removeOrigins: listOf(values, "remove-origin"),
        limits: limitsOf(values),
      };
      const tenant = await ctx.withManagement((m, actor) => m.updateTenant(actor, positionals[0], input));
      ctx.print(json, { tenant }, () => `updated tenant ${describeTenant(tenant)}`);
      return 0;
    },
  },
  "identity-secret": {
    usage: IDENTITY_SECRET,
    async run(ctx, args) {
      const parsed = parseOrHelp(ctx, IDENTITY_SECRET, args, { generate: { type: "boolean" }, "secret-stdin": { type: "boolean" }, clear: { type: "boolean" } }, { min: 1, max: 1, names: "<id>" });
      if (parsed === undefined) return 0;
      const { values, positionals, json } = parsed;
      const chosen = (["generate", "secret-stdin", "clear"] as const).filter((flag) => values[flag] === true);
      if (chosen.length !== 1) throw new UsageError(`give exactly one of --generate, --secret-stdin (the secret on standard input, never on the command line), --clear\n${IDENTITY_SECRET}`);
      const input = chosen[0] === "generate" ? { generate: true } : chosen[0] === "clear" ? { clear: true } : { secret: await readPassword(ctx.io) };
      const result = await ctx.withManagement((m, actor) => m.setIdentitySecret(actor, positionals[0], input));
      ctx.print(json, result, () =>
        result.verification === "off"
          ? `identity verification off for ${result.tenant} (identities are shown unverified)\n`
          : `identity verification on for ${result.tenant}${result.secret === undefined ? "" : `\n  secret (shown once; put it on the site's server): ${result.secret}`}\n`,
      );
      return 0;
    },
  },
});
