/**
 * Test pieces for the nginx configs: plain HTTP upstreams that record what reached them
 * and can be made to hang (accept, read nothing, answer nothing: what a SIGSTOPped process
 * looks like from nginx, since the kernel still accepts its connections), the rendered
 * local config running in front of them, and requests from a chosen source address.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePorts } from "../../scripts/cluster/free-port";
import { spawnLocalNginx, type LocalNginx } from "../../scripts/cluster/local-nginx";
import { LOCAL_DEFAULT_LIMITS } from "../../scripts/cluster/nginx-config";
import type { FrontDoorLimits } from "../../scripts/cluster/nginx-limits";
import { waitForStatus } from "../../scripts/cluster/readiness";

export interface Seen {
  upstream: string;
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface FakeUpstream {
  name: string;
  port: number;
  /** While true the upstream accepts connections and requests but never answers. */
  hung: boolean;
  close(): Promise<void>;
}

/** `count` upstreams named u1…uN; every request any of them receives lands in `seen`. */
export async function fakeUpstreams(count: number, seen: Seen[]): Promise<FakeUpstream[]> {
  const ports = await freePorts(count);
  return Promise.all(
    ports.map(async (port, index) => {
      const name = `u${index + 1}`;
      const sockets = new Set<Socket>();
      const server: Server = createServer();
      const upstream: FakeUpstream = {
        name,
        port,
        hung: false,
        close: () =>
          new Promise<void>((resolve) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => resolve());
          }),
      };
      server.on("connection", (socket: Socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
      });
      server.on("request", (req, res) => {
        seen.push({ upstream: name, method: req.method, url: req.url, headers: req.headers });
        if (upstream.hung) return; // read nothing more, answer nothing
        req.resume();
        req.on("end", () => {
          res.setHeader("x-upstream", name);
          res.end(JSON.stringify({ upstream: name }));
        });
      });
      server.on("upgrade", (req, socket: Socket) => {
        seen.push({ upstream: name, method: req.method, url: req.url, headers: req.headers });
        if (upstream.hung) return;
        // Held open, like a WebSocket, until the client or the test closes it.
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nx-upstream: ${name}\r\n\r\n`);
      });
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      return upstream;
    }),
  );
}

export interface Front extends LocalNginx {
  dir: string;
  port: number;
  stop(): Promise<void>;
}

/** The rendered local config in a fresh folder, in front of `upstreams`, answering /healthz. */
export async function startFront(upstreams: readonly FakeUpstream[], options: { limits?: FrontDoorLimits; pingIntervalMs?: number } = {}): Promise<Front> {
  const dir = mkdtempSync(path.join(tmpdir(), "roomcast-nginx-test-"));
  const [port] = await freePorts(1);
  const nginx = spawnLocalNginx({
    binary: "nginx",
    dir,
    port: port!,
    upstreamPorts: upstreams.map((u) => u.port),
    limits: options.limits ?? LOCAL_DEFAULT_LIMITS,
    pingIntervalMs: options.pingIntervalMs ?? 25_000,
    env: { PATH: process.env.PATH },
  });
  const exited = nginx.managed.exited.then((): never => {
    throw new Error(`nginx exited: ${nginx.managed.logTail()}`);
  });
  exited.catch(() => undefined);
  await waitForStatus(`${nginx.url}/healthz`, { timeoutMs: 10_000, abort: exited });
  return {
    ...nginx,
    dir,
    port: port!,
    async stop() {
      await nginx.managed.stop(5000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `nginx -t` of a config file, its output captured through a file (see nginx.int.test.ts). */
export function nginxTest(dir: string, conf: string): { status: number | null; output: string } {
  const outFile = path.join(dir, "nginx-t.out");
  const fd = openSync(outFile, "w");
  try {
    const result = spawnSync("nginx", ["-t", "-p", dir, "-e", path.join(dir, "test-error.log"), "-c", conf], { stdio: ["ignore", fd, fd], timeout: 10_000 });
    return { status: result.status, output: readFileSync(outFile, "utf8") };
  } finally {
    closeSync(fd);
  }
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** For an upgrade: the open socket (the caller closes it). */
  socket?: Socket;
  ms: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Client-side bound; the request fails after it (default 20 s). */
  timeoutMs?: number;
  /** Keep an upgraded socket open instead of closing it. */
  keepUpgrade?: boolean;
}

/** One request to `port` from `localAddress`, without keep-alive. */
export function send(port: number, urlPath: string, localAddress: string, options: RequestOptions = {}): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: urlPath, localAddress, method: options.method ?? "GET", headers: options.headers ?? {}, timeout: options.timeoutMs ?? 20_000, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, ms: Date.now() - started }));
      },
    );
    req.on("upgrade", (res, socket: Socket) => {
      if (options.keepUpgrade !== true) socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, ms: Date.now() - started, ...(options.keepUpgrade === true ? { socket } : {}) });
    });
    req.on("timeout", () => req.destroy(new Error(`${options.method ?? "GET"} ${urlPath} from ${localAddress} timed out`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

export const WEBSOCKET_OPEN = "/socket.io/?EIO=4&transport=websocket";
export const UPGRADE_HEADERS = { connection: "Upgrade", upgrade: "websocket" };

/** The first of 127.0.0.2…254 whose requests nginx sends to `target` (asked with GET /healthz). */
export async function sourceFor(front: Front, target: string, skip: ReadonlySet<string> = new Set()): Promise<string> {
  for (let host = 2; host < 255; host++) {
    const source = `127.0.0.${host}`;
    if (skip.has(source)) continue;
    if ((await send(front.port, "/healthz", source)).headers["x-upstream"] === target) return source;
  }
  throw new Error(`no source address maps to ${target}`);
}

/** Access-log lines (`<client> <upstreams> <status> "<method> <uri>" sid=… transport=… rt=…`). */
export function accessLines(front: Front): Array<{ client: string; upstreams: string[]; status: number; method: string; uri: string }> {
  return readFileSync(front.accessLog, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const m = /^(\S+) (\S+) (\d+) "(\S+) (\S+)" sid=/.exec(line);
      if (!m) throw new Error(`unexpected access log line: ${line}`);
      return { client: m[1]!, upstreams: m[2]!.split(","), status: Number(m[3]), method: m[4]!, uri: m[5]! };
    });
}
