/**
 * The process cluster for real: three gateways (apps/gateway/src/main.ts), one relay
 * (apps/relay/src/main.ts) and Debian's nginx, started by `startCluster` on a database of
 * its own and a Redis prefix of its own.
 *
 * What it proves: WebSocket and polling-only clients connect through nginx; polling
 * clients from several loopback source addresses are spread over more than one gateway,
 * and every request of one Engine.IO session reached the same gateway (read from nginx's
 * access log), so no "Session ID unknown" (HTTP 400) ever happened, over several heartbeat
 * rounds; an event published through the HTTP API reaches subscribers on every node (so
 * the relay process and the Redis adapter are wired); `kill` and `restart` of one gateway;
 * `stop` ends every process and removes the run folder.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { Agent } from "node:http";
import { loadConfig } from "@roomcast/config";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import type { EventEnvelope, Role } from "@roomcast/protocol";
import { collect, connectOutcome, openSocket, request, signToken, type TestSocket, until, deleteKeys, TEST_REDIS_URL } from "@roomcast/gateway/testing";
import { httpStatus } from "../../scripts/cluster/readiness";
import { startCluster, type Cluster } from "../../scripts/cluster/start-cluster";

jest.setTimeout(120_000);

const SECRET = randomBytes(32).toString("hex");
const jwt = loadConfig({ ROOMCAST_JWT_SECRET: SECRET }).config.jwt;
const token = (sub: string, role: Role) => signToken(jwt, { sub, tenant: "acme", role });
const SOURCES = [2, 3, 4, 5, 6, 7, 8, 9].map((n) => `127.0.0.${n}`);

interface AccessLine {
  client: string;
  upstream: string;
  status: number;
  uri: string;
  sid: string;
}

function readAccessLog(file: string): AccessLine[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const m = /^(\S+) (\S+) (\d+) "\S+ (\S+)" sid=(\S*) transport=/.exec(line);
      if (!m) throw new Error(`unexpected access log line: ${line}`);
      return { client: m[1]!, upstream: m[2]!, status: Number(m[3]), uri: m[4]!, sid: m[5]! };
    });
}

describe("npm run cluster topology: 3 gateways, 1 relay, nginx", () => {
  let database: TestDatabase;
  let cluster: Cluster;
  const sockets: TestSocket[] = [];
  const agents: Agent[] = [];
  const disconnects: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    cluster = await startCluster({
      nodes: 3,
      relays: 1,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `roomcast-test-${randomBytes(4).toString("hex")}`,
      // A short heartbeat, so the test sees several long-poll rounds per client.
      env: { ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_PING_INTERVAL_MS: "1000", ROOMCAST_PING_TIMEOUT_MS: "2000", LOG_LEVEL: "info" },
      readyTimeoutMs: 60_000,
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    for (const agent of agents) agent.destroy();
    await cluster?.stop();
    // The runner leaves its Redis keys (an operator's cluster keeps them); a test run does not.
    if (cluster) await deleteKeys(TEST_REDIS_URL, cluster.prefix);
    await database?.drop();
  });

  async function client(sub: string, source: string, transport: "websocket" | "polling"): Promise<TestSocket> {
    const agent = new Agent({ keepAlive: true, localAddress: source });
    agents.push(agent);
    // engine.io-client declares `agent` as string | boolean (a browser-era type), yet in Node
    // it hands the value to http.request and ws as their agent, which is what binds the source.
    const socket = openSocket(cluster.publicUrl, token(sub, "agent"), { transports: [transport], upgrade: false, agent: agent as unknown as string });
    sockets.push(socket);
    const outcome = await connectOutcome(socket, 10_000);
    if (!outcome.connected) throw new Error(`${transport} client from ${source} failed to connect: ${outcome.message}`);
    socket.on("disconnect", (reason) => {
      if (reason !== "io client disconnect") disconnects.push(`${sub}: ${reason}`);
    });
    return socket;
  }

  it("connects WebSocket and polling-only clients through nginx, polling spread over nodes and sticky", async () => {
    const polling = await Promise.all(SOURCES.map((source, i) => client(`poll${i}`, source, "polling")));
    const websocket = await Promise.all(SOURCES.map((source, i) => client(`ws${i}`, source, "websocket")));
    for (const socket of [...polling, ...websocket]) {
      expect(await request(socket, "subscribe", { channel: "chat", topic: "spread" })).toMatchObject({ ok: true, stream: "acme:chat:spread" });
    }
    // Several heartbeat rounds: each is a long-poll GET and a POST on the polling transport.
    const pings = new Map<TestSocket, number>();
    for (const socket of polling) socket.io.on("ping", () => pings.set(socket, (pings.get(socket) ?? 0) + 1));
    await until("three heartbeats on every polling client", 20_000, () => polling.every((s) => (pings.get(s) ?? 0) >= 3));
    expect(polling.every((s) => s.connected && s.io.engine.transport.name === "polling")).toBe(true);

    const lines = readAccessLog(cluster.accessLog).filter((l) => l.uri.startsWith("/socket.io/"));
    expect(lines.filter((l) => l.status === 400)).toEqual([]);
    const sids = polling.map((s) => s.io.engine.id);
    const nodesOf = (sid: string) => new Set(lines.filter((l) => l.sid === sid).map((l) => l.upstream));
    for (const sid of sids) expect([sid, nodesOf(sid).size]).toEqual([sid, 1]);
    const used = new Set(sids.flatMap((sid) => [...nodesOf(sid)]));
    expect(used.size).toBeGreaterThan(1);
    const gatewayAddresses = new Set(cluster.gateways.map((g) => `127.0.0.1:${g.port}`));
    for (const address of used) expect(gatewayAddresses.has(address)).toBe(true);
    if (disconnects.length > 0) throw new Error(`unexpected disconnects: ${disconnects.join(", ")}\n${cluster.logTails()}`);
  });

  it("delivers an event published through the API to subscribers on every node", async () => {
    const subscribers = await Promise.all(SOURCES.map((source, i) => client(`sub${i}`, source, "polling")));
    const received = subscribers.map((s) => collect(s));
    for (const socket of subscribers) expect(await request(socket, "subscribe", { channel: "chat", topic: "fanout" })).toMatchObject({ ok: true });
    const response = await fetch(`${cluster.publicUrl}/api/v1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${token("svc", "service")}`, "content-type": "application/json" },
      body: JSON.stringify({ channel: "chat", topic: "fanout", type: "tick", data: { text: "hello" } }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ ok: true, stream: "acme:chat:fanout", offset: 1 });
    await until("the event on every subscriber", 15_000, () => received.every((list) => list.length > 0));
    for (const list of received) expect(list.map((e: EventEnvelope) => [e.stream, e.offset, e.data])).toEqual([["acme:chat:fanout", 1, { text: "hello" }]]);
    const lines = readAccessLog(cluster.accessLog);
    expect(new Set(subscribers.flatMap((s) => lines.filter((l) => l.sid === s.io.engine.id).map((l) => l.upstream))).size).toBeGreaterThan(1);
  });

  it("SIGKILLs a gateway, keeps serving through the others, and restarts it on its port", async () => {
    const victim = cluster.gateways[1]!;
    const oldPid = victim.pid;
    expect(await cluster.kill(victim.nodeId, "SIGKILL")).toMatchObject({ signal: "SIGKILL" });
    expect(victim.managed.running).toBe(false);
    expect(await httpStatus(`${victim.url}/healthz`)).toBeUndefined();
    // Every source address still reaches a live gateway: nginx skips the dead one.
    for (const [i, source] of SOURCES.entries()) {
      const socket = await client(`afterkill${i}`, source, "polling");
      expect(socket.connected).toBe(true);
    }
    await cluster.restart(victim.nodeId);
    expect(victim.pid).not.toBe(oldPid);
    expect(await httpStatus(`${victim.url}/readyz`)).toBe(200);
  });

  it("SIGSTOPs and SIGCONTs a gateway without losing it", async () => {
    const victim = cluster.gateways[2]!;
    expect(await cluster.kill(victim.nodeId, "SIGSTOP")).toBeUndefined();
    expect(await httpStatus(`${victim.url}/healthz`, 500)).toBeUndefined();
    await cluster.kill(victim.nodeId, "SIGCONT");
    await until("the gateway to answer again", 10_000, async () => (await httpStatus(`${victim.url}/healthz`)) === 200);
  });

  it("stops every process and removes its folder", async () => {
    for (const socket of sockets) socket.disconnect();
    await cluster.stop();
    for (const child of [cluster.nginx, ...cluster.gateways.map((g) => g.managed), ...cluster.relays.map((r) => r.managed)]) {
      expect([child.name, child.running]).toEqual([child.name, false]);
    }
    expect(existsSync(cluster.dir)).toBe(false);
    expect(await httpStatus(`${cluster.publicUrl}/healthz`, 500)).toBeUndefined();
  });
});
