/**
 * `/metrics` and `/api/v1/status` on the single-node shape: one gateway with the in-memory
 * adapter, PostgreSQL (a database of this run's own) and the relay in-process with the
 * gateway's metric hooks, as main wires it.
 *
 * What it proves: after a socket connects, subscribes, receives a published event live and
 * a replay, the exposition (read with parse-prometheus-text-format) is well-formed by
 * Prometheus's conventions and has every new series with observations — the relay's
 * commit→emit lag and rounds, commit→socket latency, handshake duration, replay size,
 * published/delivered per tenant with the tenant cap (ROOMCAST_METRICS_MAX_TENANTS=1:
 * the second tenant counts as "(other)"), and roomcast_build_info. Status on one node asks
 * no other node (the adapter's serverSideEmit is never called) and answers complete, with
 * subscribers per channel, the busiest streams per tenant and the relay lag. On two nodes
 * sharing Redis (sharded adapter), deliveries and their latency count on the node whose
 * socket received the event, not on the node the relay emitted through.
 */
import { loadConfig } from "@roomcast/config";
import { createDb, createRelayOutbox, outboxBacklog, type Db } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import type { EventEnvelope } from "@roomcast/protocol";
import { createRelay, relayMemberId, serverEmitter } from "@roomcast/relay-core";
import pino from "pino";
import { signToken, type TokenRequest } from "../auth/sign-token";
import { createDbStreamStore } from "../db-stream-store";
import { createGateway, type Gateway } from "../gateway";
import { connected, request, type TestSocket } from "../testing/clients";
import { expositionProblems, parseExposition, sampleValue } from "../testing/exposition";
import { startCluster, TEST_SECRET, type TestCluster } from "../testing/harness";
import { until, waitFor } from "../testing/wait";
import { OPS_NAMESPACE, type ClusterStatus } from "./cluster-status";

describe("metrics and status on one node", () => {
  let testDb: TestDatabase;
  let db: Db;
  let gateway: Gateway;
  let url: string;
  const relayAbort = new AbortController();
  let relayRun: Promise<void>;
  const sockets: TestSocket[] = [];
  const { config } = loadConfig({
    NODE_ENV: "test",
    NODE_ID: "solo",
    ROOMCAST_JWT_SECRET: TEST_SECRET,
    ROOMCAST_ADMIN_UI: "off",
    ROOMCAST_METRICS_MAX_TENANTS: "1",
    ROOMCAST_BUILD_COMMIT: "abc1234",
  });
  const token = (request: TokenRequest) => signToken(config.jwt, request);
  const logger = pino({ level: process.env.ROOMCAST_TEST_LOG_LEVEL ?? "silent" });

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await createDb({ databaseUrl: testDb.url, logger });
    gateway = createGateway({ config, logger, store: createDbStreamStore(db, { replayLimit: config.replayLimit }), backlog: () => outboxBacklog(db.prisma), version: "9.9.9" });
    url = `http://127.0.0.1:${(await gateway.listen(0, "127.0.0.1")).port}`;
    const relay = createRelay(
      { outbox: createRelayOutbox(db), emitter: serverEmitter(gateway.io), logger, hooks: gateway.metrics.relayHooks },
      { memberId: relayMemberId("solo"), pollIntervalMs: 100, batchSize: 500, maxAttempts: 3 },
    );
    relayRun = relay.run(relayAbort.signal);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    relayAbort.abort();
    await relayRun;
    await gateway?.close();
    await db?.close();
    await testDb?.drop();
  });

  const publish = async (tenant: string, topic: string, n: number) => {
    const response = await fetch(`${url}/api/v1/publish`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token({ sub: "svc", tenant, role: "service" })}` },
      body: JSON.stringify({ channel: "documents", topic, type: "tick", data: { n } }),
    });
    expect(response.status).toBe(201);
  };
  const nextEvent = (socket: TestSocket, what: string) =>
    waitFor<EventEnvelope>(what, 10_000, (resolve) => {
      socket.once("event", resolve);
      return () => socket.off("event", resolve);
    });

  it("exposes well-formed series with the new histograms, per-tenant counters and build info", async () => {
    const member = await connected(url, token({ sub: "m1", tenant: "acme", role: "member" }));
    sockets.push(member);
    expect(await request(member, "subscribe", { channel: "documents", topic: "d1" })).toMatchObject({ ok: true, replayed: 0 });
    const live = nextEvent(member, "the live event on acme:documents:d1");
    await publish("acme", "d1", 1);
    expect((await live).data).toEqual({ n: 1 });
    // A second tenant over the cap of one: its figures go to "(other)".
    await publish("globex", "g1", 1);
    const again = await connected(url, token({ sub: "m2", tenant: "acme", role: "member" }));
    sockets.push(again);
    expect(await request(again, "subscribe", { channel: "documents", topic: "d1", since: 0 })).toMatchObject({ ok: true, replayed: 1 });

    // globex's event has no subscriber to wait on: wait for the relay to report its emit.
    await until("the relay to report both emits", 10_000, async () => sampleValue(parseExposition(await gateway.metrics.text()), "roomcast_relay_emit_lag_seconds_count") === 2);

    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const exposition = parseExposition(await response.text());
    expect(expositionProblems(exposition)).toEqual([]);
    const { families } = exposition;
    for (const [name, type] of [
      ["roomcast_relay_emit_lag_seconds", "histogram"],
      ["roomcast_relay_round_duration_seconds", "histogram"],
      ["roomcast_delivery_latency_seconds", "histogram"],
      ["roomcast_handshake_duration_seconds", "histogram"],
      ["roomcast_subscribe_replay_events", "histogram"],
      ["roomcast_events_published_total", "counter"],
      ["roomcast_events_delivered_total", "counter"],
      ["roomcast_build_info", "gauge"],
      ["roomcast_outbox_pending_events", "gauge"],
      ["roomcast_relay_lag_seconds", "gauge"],
    ] as const) {
      expect({ name, type: families.get(name)?.type }).toEqual({ name, type });
    }
    // Both events were emitted (in one round or two), each with its lag.
    expect(sampleValue(exposition, "roomcast_relay_round_duration_seconds_count", { outcome: "emitted" })).toBeGreaterThanOrEqual(1);
    // One live delivery on this node (globex had no subscriber), two handshakes, two subscribes.
    expect(sampleValue(exposition, "roomcast_delivery_latency_seconds_count")).toBe(1);
    expect(sampleValue(exposition, "roomcast_handshake_duration_seconds_count")).toBe(2);
    expect(sampleValue(exposition, "roomcast_subscribe_replay_events_count")).toBe(2);
    expect(sampleValue(exposition, "roomcast_subscribe_replay_events_sum")).toBe(1);
    expect(sampleValue(exposition, "roomcast_events_published_total", { tenant: "acme" })).toBe(1);
    expect(sampleValue(exposition, "roomcast_events_published_total", { tenant: "(other)" })).toBe(1);
    expect(sampleValue(exposition, "roomcast_events_published_total", { tenant: "globex" })).toBeUndefined();
    // The live event and the replayed one.
    expect(sampleValue(exposition, "roomcast_events_delivered_total", { tenant: "acme" })).toBe(2);
    expect(sampleValue(exposition, "roomcast_build_info", { version: "9.9.9", commit: "abc1234", node_version: process.versions.node, node: "solo" })).toBe(1);
  });

  it("answers status without asking other nodes, complete, with subscriptions and the relay lag", async () => {
    const adapter = gateway.io.of(OPS_NAMESPACE).adapter;
    const serverSideEmit = jest.spyOn(adapter, "serverSideEmit");
    try {
      const visitor = await connected(url, token({ sub: "m3", tenant: "acme", role: "member" }));
      sockets.push(visitor);
      expect(await request(visitor, "subscribe", { channel: "documents", topic: "d2" })).toMatchObject({ ok: true });
      const started = Date.now();
      const response = await fetch(`${url}/api/v1/status`, { headers: { authorization: `Bearer ${token({ sub: "ops", tenant: "acme", role: "admin" })}` }, signal: AbortSignal.timeout(10_000) });
      const tookMs = Date.now() - started;
      expect(response.status).toBe(200);
      const status = (await response.json()) as ClusterStatus;
      process.stdout.write(`single-node /api/v1/status answered in ${tookMs} ms (elapsedMs ${status.elapsedMs})\n`);
      expect(serverSideEmit).not.toHaveBeenCalled();
      expect(status).toMatchObject({
        answeredBy: "solo",
        complete: true,
        missing: [],
        connectionsPerTenant: { acme: 3 },
        subscribersPerChannel: { documents: 3 },
        busiestStreams: { acme: [{ stream: "acme:documents:d1", subscribers: 2 }, { stream: "acme:documents:d2", subscribers: 1 }] },
        backlog: { pending: 0, quarantined: 0 },
      });
      expect(status.relayLagSeconds).toBe(0);
    } finally {
      serverSideEmit.mockRestore();
    }
  });
});

describe("delivery metrics across two nodes (sharded adapter)", () => {
  let testDb: TestDatabase;
  let db: Db;
  let cluster: TestCluster;
  const relayAbort = new AbortController();
  let relayRun: Promise<void>;
  const logger = pino({ level: process.env.ROOMCAST_TEST_LOG_LEVEL ?? "silent" });

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await createDb({ databaseUrl: testDb.url, logger });
    cluster = await startCluster({ nodes: 2, env: { ROOMCAST_ADMIN_UI: "off", ROOMCAST_RELAY: "off" }, store: () => createDbStreamStore(db, { replayLimit: 100 }) });
    const via = cluster.nodes[0]!;
    const relay = createRelay(
      { outbox: createRelayOutbox(db), emitter: serverEmitter(via.gateway.io, () => via.redis!.flush()), logger, hooks: via.gateway.metrics.relayHooks },
      { memberId: relayMemberId("via-0"), pollIntervalMs: 100, batchSize: 500, maxAttempts: 3 },
    );
    relayRun = relay.run(relayAbort.signal);
  });
  afterAll(async () => {
    relayAbort.abort();
    await relayRun;
    await cluster?.close();
    await db?.close();
    await testDb?.drop();
  });

  it("counts the delivery and its latency on the receiving node", async () => {
    const [emitting, receiving] = cluster.nodes;
    const socket = await connected(receiving!.url, cluster.token({ sub: "m1", tenant: "acme", role: "member" }));
    try {
      expect(await request(socket, "subscribe", { channel: "documents", topic: "x" })).toMatchObject({ ok: true });
      const got = waitFor<EventEnvelope>("the event on node-1", 10_000, (resolve) => {
        socket.once("event", resolve);
        return () => socket.off("event", resolve);
      });
      const response = await fetch(`${receiving!.url}/api/v1/publish`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${cluster.token({ sub: "svc", tenant: "acme", role: "service" })}` },
        body: JSON.stringify({ channel: "documents", topic: "x", type: "tick", data: {} }),
      });
      expect(response.status).toBe(201);
      await got;
      const received = parseExposition(await receiving!.gateway.metrics.text());
      const emitted = parseExposition(await emitting!.gateway.metrics.text());
      expect(sampleValue(received, "roomcast_events_delivered_total", { tenant: "acme" })).toBe(1);
      expect(sampleValue(received, "roomcast_delivery_latency_seconds_count")).toBe(1);
      expect(sampleValue(received, "roomcast_events_published_total", { tenant: "acme" })).toBe(1);
      expect(sampleValue(emitted, "roomcast_events_delivered_total", { tenant: "acme" })).toBeUndefined();
      expect(sampleValue(emitted, "roomcast_delivery_latency_seconds_count")).toBe(0);
    } finally {
      socket.disconnect();
    }
  });
});
