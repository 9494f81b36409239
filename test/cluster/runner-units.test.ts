/**
 * The runner's pure parts: rendering the local nginx config and reading the command line.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseClusterArgs } from "../../scripts/cluster/args";
import { findNginx, renderLocalNginxConfig } from "../../scripts/cluster/nginx-config";

describe("renderLocalNginxConfig", () => {
  const conf = renderLocalNginxConfig({ dir: "/tmp/run-1", port: 18080, upstreamPorts: [13001, 13002, 13003] });

  it("listens on loopback and lists every gateway port as an upstream server", () => {
    expect(conf).toContain("listen 127.0.0.1:18080;");
    for (const port of [13001, 13002, 13003]) expect(conf).toContain(`server 127.0.0.1:${port} `);
    expect(conf).toMatch(/hash \$remote_addr consistent;/);
    expect(conf).not.toContain("{{");
  });

  it("keeps pid, logs and temp files in the run folder, in the foreground", () => {
    expect(conf).toContain("daemon off;");
    expect(conf).toContain("pid /tmp/run-1/nginx.pid;");
    expect(conf).toContain("error_log /tmp/run-1/logs/nginx-error.log");
    for (const line of conf.split("\n").filter((l) => /_temp_path|access_log /.test(l))) expect(line).toContain("/tmp/run-1/");
  });

  it("refuses a relative folder, no upstream, a bad port or a placeholder left over", () => {
    expect(() => renderLocalNginxConfig({ dir: "run", port: 1, upstreamPorts: [2] })).toThrow(/absolute/);
    expect(() => renderLocalNginxConfig({ dir: "/r", port: 1, upstreamPorts: [] })).toThrow(/upstream/);
    expect(() => renderLocalNginxConfig({ dir: "/r", port: 70000, upstreamPorts: [2] })).toThrow(/invalid port/);
    expect(() => renderLocalNginxConfig({ dir: "/r", port: 1, upstreamPorts: [2], template: "x {{NOPE}}" })).toThrow(/NOPE/);
  });
});

describe("parseClusterArgs", () => {
  it("defaults to 3 gateways and 2 relays", () => {
    expect(parseClusterArgs([], {})).toEqual({ help: false, options: { nodes: 3, relays: 2 } });
  });

  it("lets flags win over the environment", () => {
    const env = { DATABASE_URL: "postgres://a/env", REDIS_URL: "redis://env:6379", ROOMCAST_REDIS_PREFIX: "envp", LOG_LEVEL: "warn" };
    expect(parseClusterArgs([], env)).toEqual({
      help: false,
      options: { nodes: 3, relays: 2, databaseUrl: "postgres://a/env", redisUrl: "redis://env:6379", prefix: "envp", logLevel: "warn" },
    });
    const argv = ["--nodes", "5", "--relays", "0", "--prefix", "p1", "--database-url", "postgres://b/flag", "--redis-url", "redis://f:1", "--keep-logs"];
    expect(parseClusterArgs(argv, env)).toEqual({
      help: false,
      options: { nodes: 5, relays: 0, prefix: "p1", databaseUrl: "postgres://b/flag", redisUrl: "redis://f:1", logLevel: "warn", keepDir: true },
    });
  });

  it("refuses bad counts, prefixes and unknown flags", () => {
    expect(() => parseClusterArgs(["--nodes", "0"], {})).toThrow(/--nodes/);
    expect(() => parseClusterArgs(["--relays", "-1"], {})).toThrow();
    expect(() => parseClusterArgs(["--nodes", "two"], {})).toThrow(/--nodes/);
    expect(() => parseClusterArgs(["--prefix", "a b"], {})).toThrow(/--prefix/);
    expect(() => parseClusterArgs(["--bogus"], {})).toThrow();
    expect(parseClusterArgs(["--help"], {})).toEqual({ help: true });
  });
});

describe("findNginx", () => {
  it("takes the first executable nginx on PATH, then the fallback folders, else says how to install it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "roomcast-find-nginx-"));
    try {
      const fake = path.join(dir, "nginx");
      writeFileSync(fake, "#!/bin/sh\n", { mode: 0o755 });
      expect(findNginx(["/nonexistent", dir].join(path.delimiter), [])).toBe(fake);
      expect(findNginx("/nonexistent", [dir])).toBe(fake);
      expect(() => findNginx("/nonexistent", [])).toThrow(/apt-get install -y nginx/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
