/**
 * Operations through the process cluster: 3 gateways, 2 relays and nginx (startCluster), on
 * a database and a Redis prefix of this test's own.
 *
 * What it proves:
 * - SIGKILL of the gateway holding the most SDK clients during a steady stream published
 *   through the HTTP API: every client it held is live again through nginx within 10 s, and
 *   with the SDK's resume every app sees every offset exactly once, in order;
 * - SIGTERM of a gateway (drain): its clients get the drain notice, move to the other nodes,
 *   and lose nothing;
 * - `/api/v1/status` answers within its bound while one gateway is SIGSTOPped, listing the
 *   two others and naming the stopped one as missing;
 * - the Admin UI in headless Chromium through nginx: a wrong password is refused; logged in,
 *   it lists the three servers and sockets of every node (screenshots in test-artifacts/).
 */
import { createClient, type RoomcastClient, type SocketFactory } from "@roomcast/client";
import { loadConfig } from "@roomcast/config";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import type { EventEnvelope, Role } from "@roomcast/protocol";
import { hashSync } from "bcryptjs";
import { mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import path from "node:path";
import { io } from "socket.io-client";
import { type ClusterStatus, connectOutcome, openSocket, signToken, type TestSocket, until, deleteKeys, TEST_REDIS_URL } from "@roomcast/gateway/testing";
import { REPO_ROOT, startCluster, type Cluster, type GatewayHandle } from "../../scripts/cluster/start-cluster";
import { launchChromium } from "../support/chromium";

jest.setTimeout(180_000);

const SECRET = randomBytes(32).toString("hex");
const ADMIN_PASSWORD = `pw-${randomBytes(6).toString("hex")}`;
const jwt = loadConfig({ ROOMCAST_JWT_SECRET: SECRET }).config.jwt;
const token = (sub: string, role: Role) => signToken(jwt, { sub, tenant: "acme", role });
const ARTIFACTS = path.join(REPO_ROOT, "test-artifacts");
const RECONNECT_BOUND_MS = 10_000;
const STATUS_BOUND_MS = 7_000;

interface AppClient {
  name: string;
  client: RoomcastClient;
  events: EventEnvelope[];
  drains: number;
  /** Times the connection was lost, and times it was live again. */
  lost: number[];
  live: number[];
}

describe("operations on the process cluster (3 gateways, 2 relays, nginx)", () => {
  let database: TestDatabase;
  let cluster: Cluster;
  const apps: AppClient[] = [];
  const plain: TestSocket[] = [];
  const agents: Agent[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    cluster = await startCluster({
      nodes: 3,
      relays: 2,
      databaseUrl: database.url,
      createDatabase: false,
      migrate: false,
      prefix: `roomcast-ops-${randomBytes(4).toString("hex")}`,
      env: {
        ROOMCAST_JWT_SECRET: SECRET,
        ROOMCAST_ADMIN_PASSWORD_HASH: hashSync(ADMIN_PASSWORD, 8),
        ROOMCAST_ADMIN_MODE: "development",
        ROOMCAST_PING_INTERVAL_MS: "2000",
        ROOMCAST_PING_TIMEOUT_MS: "2000",
        ROOMCAST_RELAY_POLL_MS: "200",
        LOG_LEVEL: "warn",
      },
    });
  });

  afterAll(async () => {
    for (const app of apps) app.client.close();
    for (const socket of plain) socket.disconnect();
    for (const agent of agents) agent.destroy();
    await cluster?.stop();
    // The runner leaves its Redis keys (an operator's cluster keeps them); a test run does not.
    if (cluster) await deleteKeys(TEST_REDIS_URL, cluster.prefix);
    await database?.drop();
  });

  const agentFrom = (source: string): Agent => {
    const agent = new Agent({ keepAlive: true, localAddress: source });
    agents.push(agent);
    return agent;
  };

  /** An SDK client whose connections come from `source`, so nginx's hash spreads them. */
  function appClient(name: string, source: string, topic: string): AppClient {
    const agent = agentFrom(source);
    // engine.io-client types `agent` as string | boolean; in Node it is handed to ws as the agent.
    const factory: SocketFactory = (url, options) => io(url, { ...options, transports: ["websocket"], agent: agent as unknown as string });
    const client = createClient({ url: cluster.publicUrl, token: token(name, "agent"), io: factory, socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 500 } });
    const app: AppClient = { name, client, events: [], drains: 0, lost: [], live: [] };
    client.onStateChange((state) => {
      if (state === "reconnecting") app.lost.push(Date.now());
      if (state === "live") app.live.push(Date.now());
    });
    client.onSystem((notice) => {
      if (notice.type === "drain") app.drains++;
    });
    client.subscribe({ channel: "chat", topic }, (event) => app.events.push(event));
    apps.push(app);
    return app;
  }

  /** GET /api/v1/status from a given source address (through nginx) or straight from a gateway. */
  function status(base: string, localAddress = "127.0.0.1"): Promise<{ body: ClusterStatus; ms: number }> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const url = new URL("/api/v1/status", base);
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, localAddress, headers: { authorization: `Bearer ${token("ops", "admin")}` }, timeout: 15_000 },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => (res.statusCode === 200 ? resolve({ body: JSON.parse(text) as ClusterStatus, ms: Date.now() - started }) : reject(new Error(`status ${res.statusCode}: ${text}`))));
        },
      );
      req.on("timeout", () => req.destroy(new Error("status request timed out")));
      req.on("error", reject);
      req.end();
    });
  }

  /** A source address whose requests nginx sends to a gateway other than `avoid`. */
  async function sourceAvoiding(avoid: string): Promise<string> {
    for (let n = 100; n < 140; n++) {
      const source = `127.0.0.${n}`;
      if ((await status(cluster.publicUrl, source)).body.answeredBy !== avoid) return source;
    }
    throw new Error(`no source address maps away from ${avoid}`);
  }

  async function publish(source: string, topic: string, count: number, onEach?: (published: number) => Promise<void>): Promise<void> {
    const agent = agentFrom(source);
    for (let i = 1; i <= count; i++) {
      // `tick`: a `message` on a chat stream is the chat product's own type (a stored chat message, not a generic publish).
      const body = JSON.stringify({ channel: "chat", topic, type: "tick", data: { n: i } });
      const answer = await new Promise<number>((resolve, reject) => {
        const url = new URL("/api/v1/publish", cluster.publicUrl);
        const req = httpRequest(
          { host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, timeout: 10_000, headers: { authorization: `Bearer ${token("svc", "service")}`, "content-type": "application/json" } },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("timeout", () => req.destroy(new Error("publish timed out")));
        req.on("error", reject);
        req.end(body);
      });
      if (answer !== 201) throw new Error(`publish ${i} answered ${answer}`);
      await onEach?.(i);
    }
  }

  /** The gateway holding the most sockets now. */
  async function busiest(): Promise<{ gateway: GatewayHandle; sockets: number }> {
    const { body } = await status(cluster.gateways[0]!.url);
    const top = [...body.nodes].sort((a, b) => b.sockets - a.sockets)[0]!;
    return { gateway: cluster.gateways.find((g) => g.nodeId === top.nodeId)!, sockets: top.sockets };
  }

  function expectExactlyOnce(list: readonly AppClient[], count: number): void {
    for (const app of list) {
      const offsets = app.events.map((e) => e.offset);
      expect([app.name, offsets]).toEqual([app.name, Array.from({ length: count }, (_, i) => i + 1)]);
    }
  }

  it("SIGKILL: the victim's SDK clients are live again within 10 s and no event is lost or doubled", async () => {
    const topic = "steady";
    const group = Array.from({ length: 12 }, (_, i) => appClient(`kill${i}`, `127.0.0.${i + 2}`, topic));
    await until("12 SDK clients live", 20_000, () => group.every((a) => a.client.state === "live" && a.live.length > 0));
    const { gateway: victim, sockets: held } = await busiest();
    expect(held).toBeGreaterThan(0);
    const source = await sourceAvoiding(victim.nodeId);
    const total = 150;
    let killedAt = 0;
    await publish(source, topic, total, async (n) => {
      if (n === 50) {
        killedAt = Date.now();
        await cluster.kill(victim.nodeId, "SIGKILL");
      }
      await new Promise((resolve) => setTimeout(resolve, 20)); // pacing of the stream, not a wait for a condition
    });
    const moved = group.filter((a) => a.lost.some((t) => t >= killedAt));
    expect(moved.length).toBe(held);
    await until("every moved client live again", RECONNECT_BOUND_MS, () => moved.every((a) => a.live.some((t) => t > killedAt)));
    const reconnectMs = moved.map((a) => a.live.find((t) => t > killedAt)! - killedAt);
    expect(Math.max(...reconnectMs)).toBeLessThan(RECONNECT_BOUND_MS);
    await until(`${total} events at every app`, 30_000, () => group.every((a) => a.events.length >= total));
    expectExactlyOnce(group, total);
    process.stdout.write(`SIGKILL ${victim.nodeId}: ${moved.length} clients moved, slowest live again after ${Math.max(...reconnectMs)} ms; ${total} events each, exactly once\n`);
    await cluster.restart(victim.nodeId);
  });

  it("SIGTERM (drain): the node's clients get the notice, move, and lose nothing", async () => {
    const topic = "drain";
    const group = Array.from({ length: 12 }, (_, i) => appClient(`drain${i}`, `127.0.0.${i + 30}`, topic));
    await until("12 more SDK clients live", 20_000, () => group.every((a) => a.client.state === "live" && a.live.length > 0));
    const { gateway: victim } = await busiest();
    const source = await sourceAvoiding(victim.nodeId);
    const total = 100;
    let termAt = 0;
    let exit: Awaited<ReturnType<Cluster["kill"]>>;
    await publish(source, topic, total, async (n) => {
      if (n === 30) {
        termAt = Date.now();
        exit = await cluster.kill(victim.nodeId, "SIGTERM");
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(exit).toMatchObject({ code: 0 });
    const moved = group.filter((a) => a.lost.some((t) => t >= termAt));
    expect(moved.length).toBeGreaterThan(0);
    // Only the drained node's clients move, and every one of them read the notice first.
    const notified = moved.filter((a) => a.drains > 0).length;
    expect(notified).toBe(moved.length);
    await until("every drained client live again", RECONNECT_BOUND_MS, () => moved.every((a) => a.live.some((t) => t > termAt)));
    await until(`${total} events at every app`, 30_000, () => group.every((a) => a.events.length >= total));
    expectExactlyOnce(group, total);
    const after = await status(cluster.gateways.find((g) => g !== victim)!.url);
    expect(after.body.nodes.map((n) => n.nodeId)).not.toContain(victim.nodeId);
    expect(after.body.nodes.reduce((sum, n) => sum + n.sockets, 0)).toBe(apps.length);
    process.stdout.write(`SIGTERM ${victim.nodeId}: exit code 0, ${moved.length} clients moved (${notified} saw the drain notice); ${total} events each, exactly once\n`);
    await cluster.restart(victim.nodeId);
  });

  it("shows all three servers and sockets of every node in the Admin UI, in headless Chromium through nginx", async () => {
    // Plain clients from many addresses until every node holds at least one of them.
    // One plain client straight on each gateway, so every node surely holds a socket the UI
    // must list (the UI itself goes through nginx). After a restart nginx was seen to send
    // few new connections to the restarted node for a while (reported in docs/operations.md).
    // The SDK clients of the earlier tests leave, so the sockets page fits on one page.
    for (const app of apps.splice(0)) app.client.close();
    const holders = new Map<string, string>();
    for (const gateway of cluster.gateways) {
      const socket = openSocket(gateway.url, token(`ui-${gateway.nodeId}`, "member"));
      plain.push(socket);
      const outcome = await connectOutcome(socket, 10_000);
      if (!outcome.connected) throw new Error(`client of ${gateway.nodeId} failed: ${outcome.message}`);
      holders.set(gateway.nodeId, socket.id!);
    }

    mkdirSync(ARTIFACTS, { recursive: true });
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ locale: "en-US", viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${cluster.publicUrl}/admin/`);
      const login = async (password: string) => {
        await page.getByLabel("Username").fill("admin");
        await page.getByLabel("Password").fill(password);
        await page.getByRole("button", { name: "Connect" }).click();
      };
      await expect(page.getByLabel("Server URL").inputValue()).resolves.toBe(cluster.publicUrl);
      await login("wrong-password");
      await page.getByText("Invalid credentials").waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, "admin-ui-refused.png") });

      await login(ADMIN_PASSWORD);
      await page.getByLabel("Password").waitFor({ state: "hidden", timeout: 10_000 });
      await page.goto(`${cluster.publicUrl}/admin/#/servers/`);
      for (const gateway of cluster.gateways) await page.getByText(gateway.nodeId, { exact: true }).first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, "admin-ui-servers.png"), fullPage: true });

      await page.goto(`${cluster.publicUrl}/admin/#/sockets/`);
      for (const id of holders.values()) await page.getByText(id).first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, "admin-ui-sockets.png"), fullPage: true });
      process.stdout.write(`Admin UI: 3 servers, sockets of ${holders.size} nodes shown; screenshots in ${ARTIFACTS}\n`);
    } finally {
      await browser.close();
    }
  });
  it("answers /api/v1/status within its bound while a gateway is SIGSTOPped, naming it", async () => {
    const [asked, , stopped] = cluster.gateways;
    await until("all three nodes answering", 15_000, async () => (await status(asked!.url)).body.complete);
    await cluster.kill(stopped!.nodeId, "SIGSTOP");
    try {
      const { body, ms } = await status(asked!.url);
      expect(ms).toBeLessThan(STATUS_BOUND_MS);
      expect(body).toMatchObject({ missing: [stopped!.nodeId], complete: false, answeredBy: asked!.nodeId });
      expect(body.nodes.map((n) => n.nodeId)).toEqual(cluster.gateways.filter((g) => g !== stopped).map((g) => g.nodeId));
      expect(body.backlog).toMatchObject({ pending: expect.any(Number) });
      process.stdout.write(`status with ${stopped!.nodeId} stopped: ${ms} ms, missing ${JSON.stringify(body.missing)}\n`);
    } finally {
      await cluster.kill(stopped!.nodeId, "SIGCONT");
    }
  });
});
