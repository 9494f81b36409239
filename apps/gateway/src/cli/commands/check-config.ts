/**
 * `roomcast check-config`: parses the environment exactly as a gateway does at start-up
 * (packages/config) and prints what it resolved to, secrets left out. A bad or unknown
 * setting exits 2 naming every key, as start-up would refuse it.
 */
import { parseOrHelp, type Command } from "../command";
import { redactUrl } from "../cli-context";

const USAGE = "usage: roomcast check-config [--json]";

export const checkConfigCommand: Command = {
  name: "check-config",
  summary: "validate the configuration in the environment and print what it resolves to (no secrets)",
  usage: USAGE,
  async run(ctx, args) {
    const parsed = parseOrHelp(ctx, USAGE, args, {}, { min: 0, max: 0, names: "" });
    if (parsed === undefined) return 0;
    const { config, warnings } = ctx.config({ warn: !parsed.json });
    const summary = {
      ok: true,
      env: config.env,
      nodeId: config.nodeId,
      listen: `${config.host}:${config.port}`,
      database: config.database.kind === "postgres" ? { kind: "postgres", url: redactUrl(config.database.url) } : { kind: "pglite", dataDir: config.database.dataDir },
      redis:
        config.redis === undefined
          ? null
          : { url: config.redis.url === undefined ? undefined : redactUrl(config.redis.url), clusterNodes: config.redis.clusterNodes, adapter: config.redis.adapter, prefix: config.redis.prefix },
      relay: config.relay.mode,
      jwt: { key: config.jwt.key.kind, algorithms: config.jwt.key.algorithms, issuer: config.jwt.issuer ?? null, audience: config.jwt.audience ?? null },
      allowedOrigins: config.allowedOrigins,
      adminUi: config.admin === undefined ? "off" : { user: config.admin.user, mode: config.admin.mode, readonly: config.admin.readonly, devPassword: config.admin.passwordHash === undefined },
      demoSeed: config.chat.demoSeed,
      warnings,
    };
    ctx.print(parsed.json, summary, () =>
      [
        "configuration is valid\n",
        `  env ${summary.env}, node ${summary.nodeId}, listening on ${summary.listen}\n`,
        `  database: ${config.database.kind === "postgres" ? redactUrl(config.database.url) : `embedded (PGlite) in ${config.database.dataDir}`}\n`,
        `  redis: ${config.redis === undefined ? "none (in-memory adapter, one node)" : `${config.redis.url === undefined ? "cluster" : redactUrl(config.redis.url)} (${config.redis.adapter} adapter)`}\n`,
        `  relay: ${config.relay.mode}\n`,
        `  tokens: ${config.jwt.key.kind}\n`,
        `  admin UI: ${config.admin === undefined ? "off" : `${config.admin.mode} mode${config.admin.passwordHash === undefined ? ", DEVELOPMENT PASSWORD" : ""}`}\n`,
      ].join(""),
    );
    return 0;
  },
};
