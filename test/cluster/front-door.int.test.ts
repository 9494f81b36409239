/**
 * The runner's front door at more than the old cap: 2,500 WebSocket clients (the config
 * `npm run cluster` used to write refused everything past 2,047) through nginx on 3
 * gateways, from 100 loopback source addresses, each authenticated and subscribed, while a
 * producer publishes over HTTP through the same nginx. A database and Redis prefix of its
 * own; the figures at 10,000 clients come from bench/front-door.ts (docs/benchmarks.md).
 *
 * What it proves: none refused, all held; every publish acknowledged, also while the
 * clients pour in; the publishes made while all were in reach every subscriber; clients on
 * every gateway; nginx logged no shortage; and the gateway's /healthz headers fit the
 * 1k buffer of nginx's probe (nginx/routes.conf).
 */
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import jwt from "jsonwebtoken";
import type { Socket } from "socket.io-client";
import { deliveries, openClients, startPublisher, type ClientLoad, type ClientSpec } from "../../bench/front-door-load";
import { type ClusterStatus, until, deleteKeys, TEST_REDIS_URL } from "@roomcast/gateway/testing";
import { startCluster, type Cluster } from "../../scripts/cluster/start-cluster";

jest.setTimeout(120_000);

const CLIENTS = 2500;
const PER_SOURCE = 25;
const ROOMS = 25;
const SECRET = randomBytes(32).toString("hex");
const tenant = "door";
const sign = (sub: string, role: string) => jwt.sign({ tid: tenant, role }, SECRET, { subject: sub, expiresIn: 600 });
const roomOf = (i: number) => `d${i % ROOMS}`;

describe("the runner's nginx holds 2,500 WebSocket clients on 3 gateways while HTTP publishing goes on", () => {
  let database: TestDatabase;
  let cluster: Cluster;
  let load: ClientLoad | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    cluster = await startCluster({
      nodes: 3,
      relays: 1,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `roomcast-door-${randomBytes(4).toString("hex")}`,
      env: { ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off", LOG_LEVEL: "warn" },
    });
  });

  afterAll(async () => {
    for (const socket of load?.sockets ?? []) socket.disconnect();
    await cluster?.stop();
    // The runner leaves its Redis keys (an operator's cluster keeps them); a test run does not.
    if (cluster) await deleteKeys(TEST_REDIS_URL, cluster.prefix);
    await database?.drop();
  });

  it("refuses none, acknowledges every publish and delivers them all", async () => {
    expect(cluster.frontDoor.socketConnections).toBeGreaterThan(CLIENTS);
    const service = sign("producer", "service");
    const publisher = startPublisher(`${cluster.publicUrl}/api/v1/publish`, {
      rate: 20,
      rooms: Array.from({ length: ROOMS }, (_, i) => `d${i}`),
      localAddress: "127.1.0.1",
      headers: () => ({ authorization: `Bearer ${service}` }),
      body: (n, room) => ({ channel: "documents", topic: room, type: "status", data: { n }, key: `door-${n}-${SECRET.slice(0, 8)}` }),
      ok: 201,
      timeoutMs: 10_000,
    });
    let stopped = false;
    try {
      const spec: ClientSpec = {
        auth: (i) => ({ token: sign(`m${i}`, "member") }),
        room: roomOf,
        join: async (socket: Socket, i) => ((await socket.timeout(10_000).emitWithAck("subscribe", { channel: "documents", topic: roomOf(i) })) as { ok?: boolean }).ok === true,
      };
      load = await openClients(cluster.publicUrl, CLIENTS, spec, { perSource: PER_SOURCE, concurrency: 100, timeoutMs: 10_000 });
      expect(Object.fromEntries(load.refused)).toEqual({});
      expect(load.joined).toBe(CLIENTS);

      const allIn = publisher.sent();
      await until("20 publishes with every client in", 10_000, () => publisher.sent() >= allIn + 20);
      const published = await publisher.stop();
      stopped = true;
      expect(Object.fromEntries(published.failed)).toEqual({});
      expect(published.acked).toBe(publisher.sent());
      const members = CLIENTS / ROOMS;
      const current = load;
      await until("the publishes made with every client in, delivered to every subscriber", 15_000, () => {
        const d = deliveries(current, published, () => members, (n) => n >= allIn);
        return d.received === d.expected;
      });
      expect(load.sockets.filter((s) => s.connected)).toHaveLength(CLIENTS);
      expect(load.dropped()).toBe(0);

      const status = (await (await fetch(`${cluster.gateways[0]!.url}/api/v1/status`, { headers: { authorization: `Bearer ${sign("ops", "admin")}` } })).json()) as ClusterStatus;
      expect(status.nodes).toHaveLength(3);
      for (const node of status.nodes) expect([node.nodeId, node.sockets > 0]).toEqual([node.nodeId, true]);
      expect(status.connectionsPerTenant[tenant]).toBe(CLIENTS);
      const alerts = readFileSync(path.join(cluster.dir, "logs", "nginx-error.log"), "utf8").split("\n").filter((l) => /\[(alert|crit|emerg)\]|worker_connections|limiting connections/.test(l));
      expect(alerts).toEqual([]);
      process.stdout.write(
        `front door: ${CLIENTS} clients held (${status.nodes.map((n) => `${n.nodeId} ${n.sockets}`).join(", ")}), joined at ${load.ratePerSecond}/s; ` +
          `${published.acked} publishes acknowledged (p50 ${published.latency.p50} ms, p99 ${published.latency.p99} ms), 0 failed\n`,
      );
    } finally {
      if (!stopped) await publisher.stop();
    }
  });

  it("answers /healthz with headers that fit the 1k buffer of nginx's probe", async () => {
    const gateway = cluster.gateways[0]!;
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(gateway.port, "127.0.0.1", () => socket.write("GET /healthz HTTP/1.1\r\nHost: gateways\r\n\r\n"));
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        text += chunk;
        if (text.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(text.slice(0, text.indexOf("\r\n\r\n") + 4));
        }
      });
      socket.on("error", reject);
      socket.setTimeout(5000, () => socket.destroy(new Error("no /healthz answer within 5 s")));
    });
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(Buffer.byteLength(head)).toBeLessThan(768);
  });
});
