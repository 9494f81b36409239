/**
 * A gateway that hangs (SIGSTOP) behind the runner's nginx: 3 gateways, 1 relay, a
 * database and Redis prefix of this test's own, heartbeat 2 s + 2 s so the bounds stay
 * short. A SIGSTOPped process still accepts TCP connections (the kernel's listen backlog),
 * so only nginx's read timeouts and probe (nginx/routes.conf) can tell it is gone.
 *
 * What it proves, while the node with the most SDK clients is stopped and a producer keeps
 * publishing through nginx:
 * - a producer whose requests nginx hashes to the stopped node gets its publish answered
 *   by another gateway within 10 s (a 504 from the hung node, then its retry with the same
 *   idempotency key), and the event exists once, also after the node wakes up;
 * - GET /api/v1/status from that address is answered by another gateway within 10 s;
 * - every SDK client of the stopped node is live on another gateway within
 *   pingInterval + pingTimeout + 10 s, and after catch-up (resume with `since`) every app
 *   has every offset exactly once, in order.
 * The measured times are printed (docs/operations.md, "Failure modes").
 */
import { createClient, type RoomcastClient, type SocketFactory } from "@roomcast/client";
import { loadConfig } from "@roomcast/config";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import type { EventEnvelope, Role } from "@roomcast/protocol";
import { randomBytes } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { io } from "socket.io-client";
import { type ClusterStatus, signToken, until, deleteKeys, TEST_REDIS_URL } from "@roomcast/gateway/testing";
import { startCluster, type Cluster, type GatewayHandle } from "../../scripts/cluster/start-cluster";

jest.setTimeout(120_000);

const SECRET = randomBytes(32).toString("hex");
const jwt = loadConfig({ ROOMCAST_JWT_SECRET: SECRET }).config.jwt;
const token = (sub: string, role: Role) => signToken(jwt, { sub, tenant: "acme", role });
const PING_INTERVAL_MS = 2000;
const PING_TIMEOUT_MS = 2000;
/** The bounds: the API within 10 s, sockets within pingInterval + pingTimeout + 10 s. */
const API_BOUND_MS = 10_000;
const SOCKET_BOUND_MS = PING_INTERVAL_MS + PING_TIMEOUT_MS + 10_000;
const TOPIC = "hang";

interface AppClient {
  name: string;
  client: RoomcastClient;
  events: EventEnvelope[];
  lost: number[];
  live: number[];
}

interface Answer {
  status: number;
  body: string;
}

describe("a hung gateway behind nginx (3 gateways, SIGSTOP)", () => {
  let database: TestDatabase;
  let cluster: Cluster;
  const apps: AppClient[] = [];
  const agents: Agent[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    cluster = await startCluster({
      nodes: 3,
      relays: 1,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `roomcast-hang-${randomBytes(4).toString("hex")}`,
      env: {
        ROOMCAST_JWT_SECRET: SECRET,
        ROOMCAST_ADMIN_UI: "off",
        ROOMCAST_PING_INTERVAL_MS: String(PING_INTERVAL_MS),
        ROOMCAST_PING_TIMEOUT_MS: String(PING_TIMEOUT_MS),
        ROOMCAST_RELAY_POLL_MS: "200",
        LOG_LEVEL: "warn",
      },
    });
  });

  afterAll(async () => {
    for (const app of apps) app.client.close();
    for (const agent of agents) agent.destroy();
    await cluster?.stop();
    // The runner leaves its Redis keys (an operator's cluster keeps them); a test run does not.
    if (cluster) await deleteKeys(TEST_REDIS_URL, cluster.prefix);
    await database?.drop();
  });

  function appClient(name: string, source: string): AppClient {
    const agent = new Agent({ keepAlive: true, localAddress: source });
    agents.push(agent);
    // engine.io-client types `agent` as string | boolean; in Node it is handed to ws as the agent.
    const factory: SocketFactory = (url, options) => io(url, { ...options, transports: ["websocket"], agent: agent as unknown as string });
    const client = createClient({ url: cluster.publicUrl, token: token(name, "member"), io: factory, socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 500 } });
    const app: AppClient = { name, client, events: [], lost: [], live: [] };
    client.onStateChange((state) => {
      if (state === "reconnecting") app.lost.push(Date.now());
      if (state === "live") app.live.push(Date.now());
    });
    client.subscribe({ channel: "documents", topic: TOPIC }, (event) => app.events.push(event));
    apps.push(app);
    return app;
  }

  /** One request through nginx (or to `base`) from `localAddress`, bounded by `timeoutMs`. */
  function call(method: string, urlPath: string, localAddress: string, options: { body?: unknown; role?: Role; timeoutMs?: number; base?: string } = {}): Promise<Answer> {
    const url = new URL(urlPath, options.base ?? cluster.publicUrl);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method,
          localAddress,
          agent: false,
          timeout: options.timeoutMs ?? API_BOUND_MS,
          headers: { authorization: `Bearer ${token("ops", options.role ?? "admin")}`, "content-type": "application/json" },
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath} from ${localAddress}: no answer within ${options.timeoutMs ?? API_BOUND_MS} ms`)));
      req.on("error", reject);
      req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
    });
  }

  const statusOf = async (localAddress: string, base?: string): Promise<ClusterStatus> => {
    const answer = await call("GET", "/api/v1/status", localAddress, base === undefined ? {} : { base });
    if (answer.status !== 200) throw new Error(`status ${answer.status}: ${answer.body}`);
    return JSON.parse(answer.body) as ClusterStatus;
  };

  /** A source address whose requests nginx sends to `target` (or, with `avoid`, away from it). */
  async function sourceWhere(matches: (answeredBy: string) => boolean, from: number): Promise<string> {
    for (let n = from; n < from + 60; n++) {
      const source = `127.0.0.${n}`;
      if (matches((await statusOf(source)).answeredBy)) return source;
    }
    throw new Error("no source address found");
  }

  /** Open sockets a gateway counts itself (`roomcast_connections`, every tenant). */
  async function connectionsOf(gateway: GatewayHandle): Promise<number> {
    const text = await (await fetch(`${gateway.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    return [...text.matchAll(/^roomcast_connections\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  /** A producer's publish: repeated with the same key after a 502/503/504, as the docs advise. */
  async function publish(source: string, n: number, key: string): Promise<{ attempts: Answer[]; ms: number }> {
    const started = Date.now();
    const attempts: Answer[] = [];
    const body = { channel: "documents", topic: TOPIC, type: "status", data: { n, key }, key };
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await call("POST", "/api/v1/publish", source, { body, role: "service" });
      attempts.push(answer);
      if (![502, 503, 504].includes(answer.status)) break;
    }
    return { attempts, ms: Date.now() - started };
  }

  it("routes the API and the stopped node's socket clients to the others, and loses nothing", async () => {
    const group = Array.from({ length: 12 }, (_, i) => appClient(`m${i}`, `127.0.0.${i + 2}`));
    await until("12 SDK clients live", 20_000, () => group.every((a) => a.client.state === "live"));
    const { nodes } = await statusOf("127.0.0.1", cluster.gateways[0]!.url);
    const top = [...nodes].sort((a, b) => b.sockets - a.sockets)[0]!;
    const victim: GatewayHandle = cluster.gateways.find((g) => g.nodeId === top.nodeId)!;
    expect(top.sockets).toBeGreaterThan(0);
    const hashedToVictim = await sourceWhere((id) => id === victim.nodeId, 60);
    const hashedElsewhere = await sourceWhere((id) => id !== victim.nodeId, 60);

    // A steady stream from a producer nginx sends elsewhere, before, during and after the stop.
    const run = randomBytes(3).toString("hex");
    let published = 0;
    let stopStream = false;
    const stream = (async () => {
      while (!stopStream) {
        const { attempts } = await publish(hashedElsewhere, published + 1, `steady-${run}-${published + 1}`);
        if (attempts.at(-1)?.status !== 201) throw new Error(`steady publish answered ${JSON.stringify(attempts)}`);
        published++;
        await new Promise((resolve) => setTimeout(resolve, 50)); // the stream's pacing, not a wait for a condition
      }
    })();
    stream.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    await until("the stream under way", 10_000, () => published >= 10);

    await cluster.kill(victim.nodeId, "SIGSTOP");
    const stoppedAt = Date.now();
    try {
      const key = `hung-${run}`;
      const [viaHung, status] = await Promise.all([
        publish(hashedToVictim, -1, key),
        (async () => {
          const started = Date.now();
          const body = await statusOf(hashedToVictim);
          return { body, ms: Date.now() - started };
        })(),
      ]);
      // The publish answered by another gateway within the bound (after a 504 from the hung node, or at once).
      expect(viaHung.attempts.at(-1)?.status).toBe(201);
      expect(viaHung.ms).toBeLessThan(API_BOUND_MS);
      expect(status.body.answeredBy).not.toBe(victim.nodeId);
      expect(status.body.missing).toContain(victim.nodeId);

      const movedSince = () => group.filter((a) => a.lost.some((t) => t >= stoppedAt));
      await until(`the ${top.sockets} clients of the stopped node live again`, Math.max(0, SOCKET_BOUND_MS - (Date.now() - stoppedAt)), () => {
        const moved = movedSince();
        return moved.length === top.sockets && moved.every((a) => a.client.state === "live" && a.live.some((t) => t > stoppedAt));
      });
      const movedNow = movedSince();
      const reconnectMs = movedNow.map((a) => a.live.find((t) => t > stoppedAt)! - stoppedAt);
      // Counted by each live node itself (its /metrics), not through the status fan-out, which waits on the stopped node.
      const held = await Promise.all(cluster.gateways.filter((g) => g !== victim).map((g) => connectionsOf(g)));
      expect(held.reduce((sum, n) => sum + n, 0)).toBe(group.length);
      process.stdout.write(
        `SIGSTOP ${victim.nodeId}: publish via it answered ${viaHung.attempts.map((a) => a.status).join(" → ")} in ${viaHung.ms} ms; ` +
          `status via it answered by ${status.body.answeredBy} in ${status.ms} ms; ${movedNow.length} clients live elsewhere after ${Math.min(...reconnectMs)}–${Math.max(...reconnectMs)} ms ` +
          `(bound ${SOCKET_BOUND_MS} ms)\n`,
      );
    } finally {
      await cluster.kill(victim.nodeId, "SIGCONT");
    }

    // The stopped node wakes up with the request nginx gave up on still queued: it must not add the event twice.
    await until("the woken node answering", 15_000, async () => (await call("GET", "/healthz", "127.0.0.1", { base: victim.url, timeoutMs: 2000 })).status === 200);
    stopStream = true;
    await stream;
    const last = await publish(hashedElsewhere, published + 1, `steady-${run}-last`);
    expect(last.attempts.at(-1)?.status).toBe(201);
    const total = published + 2; // the stream, the one via the hung node, the last one
    await until(`${total} events at every app`, 30_000, () => group.every((a) => a.events.length >= total));
    for (const app of group) {
      const offsets = app.events.map((e) => e.offset);
      expect([app.name, offsets]).toEqual([app.name, Array.from({ length: total }, (_, i) => i + 1)]);
      const viaHung = app.events.filter((e) => (e.data as { key?: string }).key === `hung-${run}`);
      expect([app.name, viaHung.length]).toEqual([app.name, 1]);
    }
  });
});
