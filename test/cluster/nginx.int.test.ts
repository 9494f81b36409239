/**
 * The nginx configs against the real Debian nginx (1.22).
 *
 * - The compose config (nginx/nginx.conf) gets `nginx -t` after one substitution: Debian's
 *   1.22 has no `resolve` on upstream servers and cannot resolve the compose name
 *   `gateway`, so `server gateway:3000 resolve` becomes `server 127.0.0.1:3000`. What
 *   `-t` then proves: the syntax of every other line, the included proxy.conf and
 *   routes.conf, `zone` + `hash … consistent` together, and the resolver directive. What it
 *   cannot prove: that nginx 1.27.3+ accepts `resolve` there and re-resolves replicas;
 *   that rests on nginx's documentation (and compose.test.ts pins the image to ≥ 1.28).
 * - The local template, rendered as the runner renders it, gets `nginx -t` and then runs
 *   in front of two plain HTTP servers, proving the routing behaviour both configs share:
 *   forwarded headers, WebSocket upgrade, /metrics hidden, and a consistent hash of the
 *   client address (same address → same upstream; several addresses → both upstreams).
 */
import { spawnSync } from "node:child_process";
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePorts } from "../../scripts/cluster/free-port";
import { ManagedProcess } from "../../scripts/cluster/managed-process";
import { NGINX_DIR, renderLocalNginxConfig } from "../../scripts/cluster/nginx-config";
import { waitForStatus } from "../../scripts/cluster/readiness";

const dirs: string[] = [];
function runDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "roomcast-nginx-test-"));
  dirs.push(dir);
  mkdirSync(path.join(dir, "logs"));
  mkdirSync(path.join(dir, "nginx-temp"));
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * `nginx -t`, its output in a file: the compose config logs to /dev/stderr, which cannot be
 * opened when stderr is a socket (as with Node's piped stdio), but can when it is a file.
 */
function nginxTest(dir: string, conf: string): { status: number | null; output: string } {
  const outFile = path.join(dir, "logs", "nginx-t.out");
  const fd = openSync(outFile, "w");
  try {
    const result = spawnSync("nginx", ["-t", "-p", dir, "-e", path.join(dir, "logs", "test-error.log"), "-c", conf], { stdio: ["ignore", fd, fd], timeout: 10_000 });
    return { status: result.status, output: readFileSync(outFile, "utf8") };
  } finally {
    closeSync(fd);
  }
}

describe("nginx/nginx.conf (docker compose)", () => {
  it("passes nginx -t with the compose upstream swapped for a loopback address", async () => {
    const dir = runDir();
    cpSync(NGINX_DIR, path.join(dir, "conf"), { recursive: true });
    const file = path.join(dir, "conf", "nginx.conf");
    const original = readFileSync(file, "utf8");
    const swapped = original.replace(/server gateway:3000 resolve /, "server 127.0.0.1:3000 ");
    expect(swapped).not.toBe(original);
    expect(original).toMatch(/resolver 127\.0\.0\.11 valid=\d+s/);
    expect(original).toMatch(/zone gateways/);
    writeFileSync(file, swapped);
    const result = nginxTest(dir, file);
    expect(result.output).toMatch(/test is successful/);
    expect(result.status).toBe(0);
  });
});

interface Upstream {
  name: string;
  server: Server;
  port: number;
}

interface Seen {
  upstream: string;
  headers: IncomingHttpHeaders;
  url: string | undefined;
}

describe("the local template in front of two upstreams", () => {
  let dir: string;
  let nginx: ManagedProcess;
  let publicPort: number;
  const upstreams: Upstream[] = [];
  /** Every request an upstream received, in arrival order. */
  const seen: Seen[] = [];

  beforeAll(async () => {
    dir = runDir();
    const [port, ...ports] = await freePorts(3);
    publicPort = port!;
    for (const [index, upstreamPort] of ports.entries()) {
      const upstream: Upstream = { name: `u${index + 1}`, server: createServer(), port: upstreamPort };
      upstream.server.on("request", (req, res) => {
        seen.push({ upstream: upstream.name, headers: req.headers, url: req.url });
        res.setHeader("x-upstream", upstream.name);
        res.end(JSON.stringify({ upstream: upstream.name, headers: req.headers }));
      });
      upstream.server.on("upgrade", (req, socket) => {
        seen.push({ upstream: upstream.name, headers: req.headers, url: req.url });
        socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nx-upstream: ${upstream.name}\r\n\r\n`);
      });
      await new Promise<void>((resolve) => upstream.server.listen(upstreamPort, "127.0.0.1", resolve));
      upstreams.push(upstream);
    }
    const conf = path.join(dir, "nginx.conf");
    writeFileSync(conf, renderLocalNginxConfig({ dir, port: publicPort, upstreamPorts: ports }));
    const result = nginxTest(dir, conf);
    expect(result.output).toMatch(/test is successful/);
    expect(result.status).toBe(0);
    nginx = new ManagedProcess({
      name: "nginx",
      command: "nginx",
      args: ["-p", dir, "-e", path.join(dir, "logs", "nginx-error.log"), "-c", conf],
      env: { PATH: process.env.PATH },
      cwd: dir,
      logFile: path.join(dir, "logs", "nginx.log"),
    });
    nginx.start();
    await waitForStatus(`http://127.0.0.1:${publicPort}/healthz`, { timeoutMs: 10_000, abort: nginx.exited.then(() => Promise.reject(new Error(`nginx exited: ${nginx.logTail()}`))) });
  });
  afterAll(async () => {
    await nginx?.stop(5000);
    for (const u of upstreams) u.server.close();
  });

  function get(urlPath: string, localAddress: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: publicPort, path: urlPath, localAddress, headers, timeout: 5000 }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on("upgrade", (res, socket) => {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      });
      req.on("timeout", () => req.destroy(new Error("request timed out")));
      req.on("error", reject);
      req.end();
    });
  }

  it("forwards the client address, host and protocol", async () => {
    const before = seen.length;
    const res = await get("/api/v1/chat/sessions", "127.0.0.5", { "x-forwarded-for": "6.6.6.6", host: "rooms.example" });
    expect(res.status).toBe(200);
    expect(seen.slice(before)).toHaveLength(1);
    const headers = seen[before]!.headers;
    // A client-sent X-Forwarded-For stays first; the address nginx saw is appended last.
    expect(headers["x-forwarded-for"]).toBe("6.6.6.6, 127.0.0.5");
    expect(headers["x-real-ip"]).toBe("127.0.0.5");
    expect(headers["x-forwarded-proto"]).toBe("http");
    expect(headers.host).toBe("rooms.example");
    expect(headers.upgrade).toBeUndefined();
  });

  it("passes a WebSocket upgrade through on /socket.io/", async () => {
    const res = await get("/socket.io/?EIO=4&transport=websocket", "127.0.0.6", { connection: "Upgrade", upgrade: "websocket" });
    expect(res.status).toBe(101);
    const last = seen.find((s) => s.url?.startsWith("/socket.io/?EIO=4&transport=websocket"));
    expect(last?.headers.upgrade).toBe("websocket");
    expect(last?.headers.connection?.toLowerCase()).toBe("upgrade");
  });

  it("routes /admin, /api and /socket.io to the gateways and hides /metrics", async () => {
    for (const p of ["/admin", "/admin/index.html", "/api/v1/publish", "/socket.io/?EIO=4&transport=polling", "/readyz"]) {
      expect((await get(p, "127.0.0.7")).headers["x-upstream"]).toMatch(/^u[12]$/);
    }
    const metrics = await get("/metrics", "127.0.0.7");
    expect(metrics.status).toBe(404);
    expect(metrics.headers["x-upstream"]).toBeUndefined();
  });

  it("sends one client address to one upstream, and spreads several addresses over both", async () => {
    const chosen = new Map<string, Set<string>>();
    for (let host = 2; host <= 20; host++) {
      const address = `127.0.0.${host}`;
      for (let i = 0; i < 3; i++) {
        const res = await get("/socket.io/?EIO=4&transport=polling", address);
        const set = chosen.get(address) ?? new Set<string>();
        set.add(String(res.headers["x-upstream"]));
        chosen.set(address, set);
      }
    }
    for (const [address, set] of chosen) expect([address, set.size]).toEqual([address, 1]);
    const used = new Set([...chosen.values()].flatMap((s) => [...s]));
    expect([...used].sort()).toEqual(["u1", "u2"]);
  });
});
