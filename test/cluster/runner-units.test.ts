/**
 * The runner's pure parts: rendering the local nginx config and reading the command line.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseClusterArgs } from "../../scripts/cluster/args";
import { DEFAULT_PING_INTERVAL_MS, findNginx, renderLocalNginxConfig, socketReadTimeoutSeconds } from "../../scripts/cluster/nginx-config";
import { DEFAULT_WORKER_CONNECTIONS, frontDoorLimits, hasSysResource, HTTP_HEADROOM, parseNofile, RESERVED_FDS } from "../../scripts/cluster/nginx-limits";

describe("renderLocalNginxConfig", () => {
  const conf = renderLocalNginxConfig({ dir: "/tmp/run-1", port: 18080, upstreamPorts: [13001, 13002, 13003] });

  it("listens on loopback and lists every gateway port as an upstream server", () => {
    expect(conf).toMatch(/listen 127\.0\.0\.1:18080 reuseport backlog=\d+;/);
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

describe("the front door's capacity", () => {
  it("renders workers, connections, open files, the Socket.IO budget and the heartbeat's read timeout", () => {
    const limits = { workerProcesses: 2, workerConnections: 32768, workerRlimitNofile: 33792, socketConnections: 15872 };
    const rendered = renderLocalNginxConfig({ dir: "/tmp/run-2", port: 18081, upstreamPorts: [13001], limits, pingIntervalMs: 2000 });
    expect(rendered).toContain("worker_processes 2;");
    expect(rendered).toContain("worker_rlimit_nofile 33792;");
    expect(rendered).toContain("worker_connections 32768;");
    expect(rendered).toContain("limit_conn sockets 15872;");
    expect(rendered).toContain("proxy_read_timeout 12s;");
    expect(rendered).toMatch(/zone gateways \d+k;/);
    expect(rendered).toContain("server 127.0.0.1:13001 max_fails=1 fail_timeout=10s;");
    expect(() => renderLocalNginxConfig({ dir: "/r", port: 1, upstreamPorts: [2], limits: { ...limits, socketConnections: 0 } })).toThrow(/socketConnections/);
  });

  it("derives Socket.IO's read timeout from the heartbeat interval, above it", () => {
    expect(socketReadTimeoutSeconds(25_000)).toBe(35);
    expect(socketReadTimeoutSeconds(2500)).toBe(13);
    expect(socketReadTimeoutSeconds(DEFAULT_PING_INTERVAL_MS)).toBeGreaterThan(DEFAULT_PING_INTERVAL_MS / 1000);
  });

  it("asks for more open files than connections when it may, and fits the hard limit otherwise", () => {
    const privileged = frontDoorLimits({ cpus: 2, hardNofile: 20_000, canRaiseNofile: true });
    expect(privileged).toEqual({
      workerProcesses: 2,
      workerConnections: DEFAULT_WORKER_CONNECTIONS,
      workerRlimitNofile: DEFAULT_WORKER_CONNECTIONS + RESERVED_FDS,
      socketConnections: Math.floor(2 * (DEFAULT_WORKER_CONNECTIONS - HTTP_HEADROOM) * 0.9 / 2),
    });
    // This machine's kind: root in a container without CAP_SYS_RESOURCE, hard limit 20,000.
    const user = frontDoorLimits({ cpus: 2, hardNofile: 20_000, canRaiseNofile: false });
    expect(user).toEqual({ workerProcesses: 2, workerConnections: 20_000 - RESERVED_FDS, workerRlimitNofile: 20_000, socketConnections: Math.floor(2 * (20_000 - RESERVED_FDS - HTTP_HEADROOM) * 0.9 / 2) });
    // 10,000 proxied WebSockets (20,000 connections, ~10,000 per worker) fit, with HTTP headroom in each worker.
    expect(user.socketConnections).toBeGreaterThan(10_000);
    expect(user.workerConnections - 10_000).toBeGreaterThan(HTTP_HEADROOM);
    expect(frontDoorLimits({ cpus: 8, hardNofile: Number.POSITIVE_INFINITY, canRaiseNofile: false })).toMatchObject({ workerProcesses: 4, workerConnections: DEFAULT_WORKER_CONNECTIONS });
    expect(frontDoorLimits({ cpus: 2, hardNofile: 20_000, canRaiseNofile: true }, { socketConnections: 7 }).socketConnections).toBe(7);
    expect(() => frontDoorLimits({ cpus: 2, hardNofile: 1024, canRaiseNofile: false })).toThrow(/ulimit -Hn/);
  });

  it("reads CAP_SYS_RESOURCE from /proc/<pid>/status", () => {
    expect(hasSysResource("CapInh:\t0\nCapEff:\t000001fffeffffff\n")).toBe(false); // a container's root
    expect(hasSysResource("CapEff:\t000001ffffffffff\n")).toBe(true);
    expect(hasSysResource("CapEff:\t0000000000000000\n")).toBe(false);
    expect(hasSysResource("")).toBe(false);
  });

  it("reads ulimit's answer", () => {
    expect(parseNofile("20000\n")).toBe(20_000);
    expect(parseNofile("unlimited")).toBe(Number.POSITIVE_INFINITY);
    expect(() => parseNofile("lots")).toThrow(/open-file limit/);
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
