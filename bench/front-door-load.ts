/**
 * The load of the front-door benchmark (bench/front-door.ts) and its CI test
 * (test/cluster/front-door.int.test.ts): many WebSocket clients through one nginx, from
 * many loopback source addresses (nginx hashes the client address, and each gateway caps
 * connections per address), each joining a room; and a steady HTTP publisher beside them.
 *
 * Every wait is bounded: a connect or a join that takes longer than `timeoutMs` counts as
 * refused, a publish longer than `timeoutMs` as failed. Nothing here prints.
 */
import { Agent, request } from "node:http";
import { io, type Socket } from "socket.io-client";
import { summarize, type LatencySummary } from "./support";

export interface ClientSpec {
  /** Socket.IO handshake `auth` for client `index`. */
  auth(index: number): Record<string, unknown>;
  /** Joins a room once connected; resolves true when the server acknowledged it. */
  join(socket: Socket, index: number): Promise<boolean>;
  /** The room (topic) client `index` joins; publishes name it too. */
  room(index: number): string;
}

export interface ClientLoad {
  sockets: Socket[];
  /** Connected and joined. */
  joined: number;
  /** connect_error, a join refused, or a timeout, by reason. */
  refused: Map<string, number>;
  /** Clients per second, from the first connect to the last join. */
  ratePerSecond: number;
  /** Events received by every client, by publish number `n`. */
  received: Map<number, number>;
  /** Sockets that disconnected after joining. */
  dropped: () => number;
}

/** Loopback source address of client `index` (127.0.0.2 …), `perSource` clients each. */
export function sourceAddress(index: number, perSource: number): string {
  const n = Math.floor(index / perSource);
  if (n > 250 * 250) throw new Error("too many source addresses");
  return `127.0.${Math.floor(n / 250)}.${(n % 250) + 2}`;
}

export async function openClients(url: string, count: number, spec: ClientSpec, options: { perSource: number; concurrency: number; timeoutMs: number }): Promise<ClientLoad> {
  const sockets: Socket[] = [];
  const refused = new Map<string, number>();
  const received = new Map<number, number>();
  let joined = 0;
  let dropped = 0;
  const refuse = (reason: string) => refused.set(reason, (refused.get(reason) ?? 0) + 1);
  const started = performance.now();
  let next = 0;
  const one = async (index: number): Promise<void> => {
    const socket = io(url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      timeout: options.timeoutMs,
      auth: spec.auth(index),
      // engine.io-client hands this to `ws`, which binds the client's source address.
      localAddress: sourceAddress(index, options.perSource),
    } as Parameters<typeof io>[1]);
    sockets.push(socket);
    socket.on("event", (event: { data?: { n?: unknown } }) => {
      const n = event.data?.n;
      if (typeof n === "number") received.set(n, (received.get(n) ?? 0) + 1);
    });
    const connected = await new Promise<string | undefined>((resolve) => {
      socket.once("connect", () => resolve(undefined));
      socket.once("connect_error", (error) => resolve(`connect: ${error.message}`));
    });
    if (connected !== undefined) return void refuse(connected);
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([spec.join(socket, index).catch(() => false), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), options.timeoutMs)))]);
    clearTimeout(timer);
    if (!ok) return void refuse("join refused or timed out");
    joined++;
    socket.once("disconnect", () => dropped++);
  };
  const workers = Array.from({ length: Math.min(options.concurrency, count) }, async () => {
    while (next < count) await one(next++);
  });
  await Promise.all(workers);
  return { sockets, joined, refused, ratePerSecond: Math.round((count / (performance.now() - started)) * 1000), received, dropped: () => dropped };
}

export interface PublishResult {
  acked: number;
  failed: Map<string, number>;
  latency: LatencySummary;
  /** Publish numbers acknowledged, with the room each went to. */
  ackedRooms: Map<number, string>;
}

export interface Publisher {
  /** Publishes sent so far (the next one is numbered `sent()`). */
  sent(): number;
  stop(): Promise<PublishResult>;
}

/**
 * POSTs `body(n, room)` to `url` every 1000/rate ms from `localAddress`, over keep-alive
 * connections, until stopped. `ok` is the status that counts as acknowledged.
 */
export function startPublisher(url: string, options: { rate: number; rooms: readonly string[]; localAddress: string; headers: (n: number) => Record<string, string>; body: (n: number, room: string) => unknown; ok: number; timeoutMs: number }): Publisher {
  const agent = new Agent({ keepAlive: true, localAddress: options.localAddress, maxSockets: 64 });
  const target = new URL(url);
  const failed = new Map<string, number>();
  const ackedRooms = new Map<number, string>();
  const latencies: number[] = [];
  const inflight = new Set<Promise<void>>();
  let n = 0;
  const fail = (reason: string) => failed.set(reason, (failed.get(reason) ?? 0) + 1);
  const post = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const room = options.rooms[index % options.rooms.length]!;
      const payload = JSON.stringify(options.body(index, room));
      const at = performance.now();
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent, timeout: options.timeoutMs, headers: { "content-type": "application/json", ...options.headers(index) } },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === options.ok) {
              ackedRooms.set(index, room);
              latencies.push(performance.now() - at);
            } else fail(`status ${res.statusCode}`);
            resolve();
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (error) => {
        fail(error.message);
        resolve();
      });
      req.end(payload);
    });
  const timer = setInterval(() => {
    const p = post(n++);
    inflight.add(p);
    void p.then(() => inflight.delete(p));
  }, 1000 / options.rate);
  return {
    sent: () => n,
    async stop() {
      clearInterval(timer);
      await Promise.all(inflight);
      agent.destroy();
      return { acked: ackedRooms.size, failed, latency: summarize(latencies), ackedRooms };
    },
  };
}

/** GET `url` from `localAddress`; the status, or the error's message. */
export function probe(url: string, localAddress: string, timeoutMs: number): Promise<{ status: number | string; ms: number }> {
  const at = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { localAddress, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: Math.round(performance.now() - at) }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error) => resolve({ status: error.message, ms: Math.round(performance.now() - at) }));
    req.end();
  });
}

/** Deliveries of acknowledged publishes to the clients in their room: received / expected. */
export function deliveries(load: ClientLoad, published: PublishResult, membersOf: (room: string) => number, from: (n: number) => boolean): { received: number; expected: number } {
  let received = 0;
  let expected = 0;
  for (const [n, room] of published.ackedRooms) {
    if (!from(n)) continue;
    expected += membersOf(room);
    received += load.received.get(n) ?? 0;
  }
  return { received, expected };
}
