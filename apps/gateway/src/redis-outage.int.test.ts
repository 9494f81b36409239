/**
 * Redis going away must not take a gateway down or hang it, and cross-node delivery must
 * resume by itself once Redis is back. Each test owns its redis-server.
 *
 * - Crash: the redis-server is killed mid-run and started again on the same port.
 * - Partition: a TCP proxy (testing/tcp-proxy.ts) sits between the gateways and Redis and
 *   is paused with SIGSTOP: connections stay open and nothing answers, the case only
 *   command timeouts catch. While it is paused `/readyz` answers 503 within 2 s, the
 *   cluster status answers within 6 s naming Redis, socket calls answer within 5 s; each
 *   node logs the outage once and, after SIGCONT, the recovery once, then its sockets are
 *   told to resync and delivery across nodes resumes.
 */
import type { EventEnvelope } from "@roomcast/protocol";
import pino from "pino";
import { collect, connected, request, type TestSocket } from "./testing/clients";
import { startCluster, type TestCluster } from "./testing/harness";
import { ownedRedis } from "./testing/redis-server";
import { startTcpProxy } from "./testing/tcp-proxy";
import { until } from "./testing/wait";

interface LogLine {
  msg: string;
  level: number;
  testNode?: number;
}

function recordLogs() {
  const lines: LogLine[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const count = (msg: string, node: number) => lines.filter((l) => l.msg === msg && l.testNode === node).length;
  return { logger, lines, count };
}

/** Emits from node 0 into a room only node 1's listener is in; tells whether it got one. */
function crossNodeProbe(cluster: TestCluster, received: EventEnvelope[]) {
  let offset = 0;
  const emitFromA = () => {
    offset++;
    const event: EventEnvelope = { id: String(offset), stream: "acme:chat:s1", offset, channel: "chat", topic: "s1", type: "message", data: {}, priority: 5, source: "test", ts: "" };
    cluster.nodes[0]!.gateway.io.to("acme:chat:s1").emit("event", event);
    return offset;
  };
  return {
    emitFromA,
    last: () => offset,
    deliveredAfter: (from: number) => () => {
      emitFromA();
      return received.some((e) => e.offset > from);
    },
  };
}

/** Either answer is bounded and honest: it went on (locally), or it said Redis is away. */
function isOkOrUnavailable(result: { ok: boolean; error?: { code: string } }): boolean {
  return result.ok || result.error?.code === "unavailable";
}

const crashes: unknown[] = [];
const record = (error: unknown) => crashes.push(error);
beforeAll(() => {
  process.on("unhandledRejection", record);
  process.on("uncaughtException", record);
});
afterAll(() => {
  process.off("unhandledRejection", record);
  process.off("uncaughtException", record);
});

describe.each(["sharded", "classic"])("a Redis outage with the %s adapter", (adapter) => {
  it("does not crash a gateway, and delivery across nodes resumes after Redis is back", async () => {
    const redis = await ownedRedis();
    await redis.start();
    const cluster = await startCluster({ nodes: 2, redisUrl: redis.url, env: { ROOMCAST_REDIS_ADAPTER: adapter } });
    try {
      const token = cluster.token({ sub: "agent", tenant: "acme", role: "agent" });
      const listener = await connected(cluster.nodes[1]!.url, token);
      const sender = await connected(cluster.nodes[0]!.url, token);
      const received = collect(listener);
      const notices: string[] = [];
      listener.on("system", (notice) => notices.push(notice.type));
      expect(await request(listener, "subscribe", { channel: "chat", topic: "s1" })).toMatchObject({ ok: true });
      const probe = crossNodeProbe(cluster, received);
      await until("delivery before the outage", 5000, probe.deliveredAfter(0), 100);

      await redis.stop();
      // While Redis is down: emits, subscribes and probes go on without crashing the node.
      for (let i = 0; i < 20; i++) probe.emitFromA();
      expect(isOkOrUnavailable(await request(sender, "subscribe", { channel: "chat", topic: "s2" }))).toBe(true);
      const ready = await fetch(`${cluster.nodes[0]!.url}/readyz`, { signal: AbortSignal.timeout(2000) });
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ok: false, error: { code: "unavailable", message: expect.stringContaining("redis") } });

      await redis.start();
      const mark = probe.last();
      await until("delivery across nodes after Redis is back", 20_000, probe.deliveredAfter(mark), 200);
      // Its node's subscriber was away: the socket is told to catch up from the database.
      await until("a resync notice", 5000, () => notices.includes("resync"));
      expect(listener.connected && sender.connected).toBe(true);
      await until("readiness back", 5000, async () => (await fetch(`${cluster.nodes[0]!.url}/readyz`)).status === 200, 100);
      expect(crashes).toEqual([]);
      listener.disconnect();
      sender.disconnect();
    } finally {
      await cluster.close();
      await redis.stop();
    }
  });
});

describe.each(["sharded", "classic"])("a Redis that stops answering (partition) with the %s adapter", (adapter) => {
  it("answers within its bounds while paused, logs the outage and the recovery once per node, then resyncs and delivers", async () => {
    const redis = await ownedRedis();
    await redis.start();
    const proxy = await startTcpProxy(Number(new URL(redis.url).port));
    const logs = recordLogs();
    const cluster = await startCluster({ nodes: 2, redisUrl: proxy.url, env: { ROOMCAST_REDIS_ADAPTER: adapter, ROOMCAST_ADMIN_UI: "off" }, logger: logs.logger });
    const sockets: TestSocket[] = [];
    try {
      const token = cluster.token({ sub: "agent", tenant: "acme", role: "agent" });
      const admin = { authorization: `Bearer ${cluster.token({ sub: "ops", tenant: "acme", role: "admin" })}` };
      const listener = await connected(cluster.nodes[1]!.url, token);
      const sender = await connected(cluster.nodes[0]!.url, token);
      const service = await connected(cluster.nodes[0]!.url, cluster.token({ sub: "backend", tenant: "acme", role: "service" }));
      sockets.push(listener, sender, service);
      const received = collect(listener);
      const notices: string[] = [];
      listener.on("system", (notice) => notices.push(notice.type));
      expect(await request(listener, "subscribe", { channel: "chat", topic: "s1" })).toMatchObject({ ok: true });
      const probe = crossNodeProbe(cluster, received);
      await until("delivery before the partition", 5000, probe.deliveredAfter(0), 100);
      const a = cluster.nodes[0]!.url;

      proxy.pause();
      for (let i = 0; i < 20; i++) probe.emitFromA();
      // Each wait below is the bound itself: an answer that does not come in time fails it.
      const ready = await fetch(`${a}/readyz`, { signal: AbortSignal.timeout(2000) });
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ok: false, error: { code: "unavailable", message: expect.stringContaining("redis") } });
      const status = await fetch(`${a}/api/v1/status`, { headers: admin, signal: AbortSignal.timeout(6000) });
      expect(status.status).toBe(200);
      const body = (await status.json()) as { unreachable: string[]; complete: boolean; nodes: Array<{ nodeId: string }> };
      expect(body.unreachable.some((what) => what.includes("redis"))).toBe(true);
      expect(body).toMatchObject({ complete: false, nodes: [{ nodeId: "node-0" }] });
      expect(isOkOrUnavailable(await request(sender, "subscribe", { channel: "chat", topic: "s2" }, 5000))).toBe(true);
      expect(isOkOrUnavailable(await request(service, "publish", { channel: "notifications", topic: "agent", type: "note", data: {} }, 5000))).toBe(true);
      await until("both nodes to log the outage", 5000, () => logs.count("redis unreachable", 0) > 0 && logs.count("redis unreachable", 1) > 0);
      // More probes fail while it stays paused; none of them logs again.
      for (let i = 0; i < 2; i++) expect((await fetch(`${a}/readyz`, { signal: AbortSignal.timeout(2000) })).status).toBe(503);

      proxy.resume();
      const mark = probe.last();
      await until("both nodes to log the recovery", 10_000, () => logs.count("redis reachable again", 0) > 0 && logs.count("redis reachable again", 1) > 0, 50);
      await until("a resync notice", 5000, () => notices.includes("resync"));
      await until("delivery across nodes after the partition", 10_000, probe.deliveredAfter(mark), 200);
      expect((await fetch(`${a}/readyz`, { signal: AbortSignal.timeout(2000) })).status).toBe(200);
      for (const node of [0, 1]) {
        expect(logs.count("redis unreachable", node)).toBe(1);
        expect(logs.count("redis reachable again", node)).toBe(1);
      }
      expect(listener.connected && sender.connected).toBe(true);
      expect(crashes).toEqual([]);
    } finally {
      for (const socket of sockets) socket.disconnect();
      proxy.resume();
      await cluster.close();
      await proxy.stop();
      await redis.stop();
    }
  });
});
