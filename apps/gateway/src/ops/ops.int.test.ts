/**
 * `/api/v1/status` and `/metrics` on three in-process gateways sharing Redis (classic
 * adapter, 2 s request timeout).
 *
 * What it proves: status lists every node with its sockets and sums connections per
 * tenant, for the admin role only; when one node does not answer (its handler removed: the
 * in-process stand-in for a hung process; the SIGSTOP case runs in test/cluster) the answer
 * still comes within the bound, lists the others and names the silent node; status sums
 * subscribers per channel and per stream over the nodes (busiest streams per tenant); `/metrics`
 * shows this node's connections per tenant, subscriptions per channel, refused handshakes
 * by code and rate-limited events; a gateway that closes leaves the node registry.
 */
import type { NodeStatus } from "@roomcast/protocol";
import { Redis } from "ioredis";
import { connected, connectOutcome, openSocket, request, type TestSocket } from "../testing/clients";
import { startCluster, TEST_REDIS_URL, type TestCluster } from "../testing/harness";
import { OPS_NAMESPACE, type ClusterStatus } from "./cluster-status";
import { nodeRegistryKey } from "./node-registry";

describe("status and metrics on three gateways", () => {
  let cluster: TestCluster;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, env: { ROOMCAST_REDIS_ADAPTER: "classic", ROOMCAST_ADMIN_UI: "off", ROOMCAST_RATE_LIMIT_EVENTS: "3" } });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await cluster.close();
  });

  // The deployment operator (manage/actor.ts) sees every tenant; a tenant's admin its own.
  const adminToken = () => cluster.token({ sub: "ops", tenant: "_deployment", role: "admin" });
  const getStatus = async (url: string, token = adminToken()) => {
    const started = Date.now();
    const response = await fetch(`${url}/api/v1/status`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: (await response.json()) as ClusterStatus, ms: Date.now() - started };
  };

  it("lists every node and connections per tenant, for admins only", async () => {
    const [a, b, c] = cluster.nodes;
    sockets.push(await connected(a!.url, cluster.token({ sub: "u1", tenant: "acme", role: "member" })));
    sockets.push(await connected(b!.url, cluster.token({ sub: "u2", tenant: "acme", role: "member" })));
    sockets.push(await connected(b!.url, cluster.token({ sub: "u3", tenant: "globex", role: "member" })));
    const { status, body, ms } = await getStatus(c!.url);
    expect(status).toBe(200);
    expect(body).toMatchObject({ answeredBy: "node-2", missing: [], complete: true, connectionsPerTenant: { acme: 2, globex: 1 }, backlog: null });
    expect(body.nodes.map((n) => [n.nodeId, n.sockets])).toEqual([["node-0", 1], ["node-1", 2], ["node-2", 0]]);
    expect(ms).toBeLessThan(1500);
    const member = await getStatus(c!.url, cluster.token({ sub: "u1", tenant: "acme", role: "member" }));
    expect(member.status).toBe(403);
    const tenantAdmin = await getStatus(c!.url, cluster.token({ sub: "boss", tenant: "acme", role: "admin" }));
    expect(tenantAdmin.body.connectionsPerTenant).toEqual({ acme: 2 });
    expect(JSON.stringify(tenantAdmin.body)).not.toContain("globex");
  });

  it("sums subscribers per channel and the busiest streams of each tenant over the nodes", async () => {
    const [a, b, c] = cluster.nodes;
    const subscribe = async (nodeUrl: string, sub: string, topic: string, tenant = "acme") => {
      const socket = await connected(nodeUrl, cluster.token({ sub, tenant, role: "member" }));
      sockets.push(socket);
      expect(await request(socket, "subscribe", { channel: "documents", topic })).toMatchObject({ ok: true });
    };
    await subscribe(a!.url, "d1", "hot");
    await subscribe(b!.url, "d2", "hot");
    await subscribe(b!.url, "d3", "hot");
    await subscribe(b!.url, "d4", "cold");
    await subscribe(c!.url, "d5", "g", "globex");
    const { body } = await getStatus(a!.url);
    expect(body).toMatchObject({
      complete: true,
      subscribersPerChannel: { documents: 5 },
      busiestStreams: {
        acme: [{ stream: "acme:documents:hot", subscribers: 3 }, { stream: "acme:documents:cold", subscribers: 1 }],
        globex: [{ stream: "globex:documents:g", subscribers: 1 }],
      },
      relayLagSeconds: null,
    });
  });

  it("answers within the bound and names a node that does not answer", async () => {
    const silent = cluster.nodes[1]!;
    const handlers = silent.gateway.io.of(OPS_NAMESPACE).listeners("node:status");
    silent.gateway.io.of(OPS_NAMESPACE).removeAllListeners("node:status");
    try {
      const { status, body, ms } = await getStatus(cluster.nodes[0]!.url);
      expect(status).toBe(200);
      expect(body).toMatchObject({ missing: ["node-1"], complete: false });
      expect(body.nodes.map((n) => n.nodeId)).toEqual(["node-0", "node-2"]);
      expect(ms).toBeLessThan(4000);
      const metrics = await cluster.nodes[0]!.gateway.metrics.text();
      expect(metrics).toMatch(/^roomcast_adapter_timeouts_total\{op="serverSideEmit",[^}]*\} 1$/m);
    } finally {
      for (const handler of handlers) silent.gateway.io.of(OPS_NAMESPACE).on("node:status", handler as (reply: (status: NodeStatus) => void) => void);
    }
  });

  it("exposes this node's figures at /metrics", async () => {
    const node = cluster.nodes[0]!;
    const socket = await connected(node.url, cluster.token({ sub: "m1", tenant: "acme", role: "agent" }));
    sockets.push(socket);
    expect(await request(socket, "subscribe", { channel: "chat", topic: "s1" })).toMatchObject({ ok: true });
    expect(await request(socket, "subscribe", { channel: "chat", topic: "s2" })).toMatchObject({ ok: true });
    expect(await request(socket, "subscribe", { channel: "notifications", topic: "m1" })).toMatchObject({ ok: true });
    expect(await request(socket, "unsubscribe", { channel: "chat", topic: "s2" })).toMatchObject({ ok: false, error: { code: "rate_limited" } });
    const refused = openSocket(node.url, "not-a-token");
    expect(await connectOutcome(refused)).toMatchObject({ connected: false, code: "unauthorized" });
    refused.disconnect();

    const response = await fetch(`${node.url}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    // u1 (first test), d1 (subscriptions test) and m1.
    expect(text).toContain('roomcast_connections{tenant="acme",node="node-0",role="gateway"} 3');
    expect(text).toContain('roomcast_subscriptions{channel="chat",node="node-0",role="gateway"} 2');
    expect(text).toContain('roomcast_subscriptions{channel="notifications",node="node-0",role="gateway"} 1');
    expect(text).toContain('roomcast_handshakes_refused_total{code="unauthorized",node="node-0",role="gateway"} 1');
    expect(text).toContain('roomcast_rate_limited_total{event="unsubscribe",node="node-0",role="gateway"} 1');
  });

  it("keeps the node registry in Redis and leaves it on close", async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const key = nodeRegistryKey(cluster.prefix);
      expect((await redis.zrange(key, 0, -1)).sort()).toEqual(["node-0", "node-1", "node-2"]);
      await cluster.nodes[2]!.gateway.close();
      expect((await redis.zrange(key, 0, -1)).sort()).toEqual(["node-0", "node-1"]);
    } finally {
      redis.disconnect();
    }
  });
});
