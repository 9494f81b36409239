/**
 * The Admin UI's server side on two gateways sharing Redis: basic auth against the
 * configured bcrypt hash (a wrong password is refused), the `/admin` namespace reachable
 * without a Roomcast token (the JWT middleware guards the main namespace only), every
 * node's stats and every node's sockets listed, admin sessions valid on the other node
 * (Redis store), no client credential anywhere in what the UI receives, and the bundled UI
 * served at /admin/ with no outside URL.
 */
import { hashSync } from "bcryptjs";
import { io as connect, type Socket } from "socket.io-client";
import { connected, type TestSocket } from "../testing/clients";
import { startCluster, type TestCluster } from "../testing/harness";
import { until, waitFor } from "../testing/wait";

const PASSWORD = "correct horse battery staple";

interface SerializedSocket {
  id: string;
  nsp: string;
  handshake: { headers: Record<string, unknown>; query: Record<string, unknown> };
}

describe("Admin UI on a two-node cluster", () => {
  let cluster: TestCluster;
  const clients: TestSocket[] = [];
  const admins: Socket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 2,
      env: { ROOMCAST_ADMIN_PASSWORD_HASH: hashSync(PASSWORD, 4), ROOMCAST_ADMIN_USER: "ops", ROOMCAST_ADMIN_MODE: "development" },
    });
  });
  afterAll(async () => {
    for (const socket of [...clients, ...admins]) socket.disconnect();
    await cluster.close();
  });

  const admin = (url: string, auth: Record<string, string>): Socket => {
    const socket = connect(`${url}/admin`, { transports: ["websocket"], reconnection: false, forceNew: true, auth });
    admins.push(socket);
    return socket;
  };

  it("refuses a wrong password", async () => {
    const socket = admin(cluster.nodes[0]!.url, { username: "ops", password: "wrong" });
    const message = await waitFor<string>("connect_error", 5000, (resolve) => {
      socket.once("connect_error", (error) => resolve(error.message));
      socket.once("connect", () => resolve("connected"));
    });
    expect(message).toBe("invalid credentials");
  });

  it("lists both servers and the sockets of both nodes, with no client credential", async () => {
    const [a, b] = cluster.nodes;
    const tokens = [0, 1, 2].map((i) => cluster.token({ sub: `user${i}`, tenant: "acme", role: "member" }));
    clients.push(await connected(a!.url, tokens[0]!));
    clients.push(await connected(b!.url, tokens[1]!));
    // A server-side client with the Authorization header and, against the rules, a query token.
    clients.push(await connected(b!.url, "unused", { auth: {}, extraHeaders: { authorization: `Bearer ${tokens[2]}` }, query: { token: tokens[2]! } }));

    const socket = admin(a!.url, { username: "ops", password: PASSWORD });
    const received: unknown[] = [];
    const stats = new Set<string>();
    let sessionId = "";
    let all: SerializedSocket[] = [];
    socket.onAny((event: string, ...args: unknown[]) => {
      received.push([event, ...args]);
      if (event === "server_stats") stats.add((args[0] as { serverId: string }).serverId);
      if (event === "session") sessionId = args[0] as string;
      if (event === "all_sockets") all = args[0] as SerializedSocket[];
    });
    await until("both servers' stats and the socket list", 10_000, () => stats.size === 2 && all.length > 0 && sessionId !== "");
    expect([...stats].sort()).toEqual(["node-0", "node-1"]);
    const mainSockets = all.filter((s) => s.nsp === "/");
    expect(new Set(mainSockets.map((s) => s.id))).toEqual(new Set(clients.map((c) => c.id)));

    const seen = JSON.stringify(received);
    for (const token of tokens) expect(seen).not.toContain(token);
    const headerClient = mainSockets.find((s) => s.id === clients[2]!.id)!;
    expect(headerClient.handshake.headers.authorization).toBe("[redacted]");
    expect(headerClient.handshake.query.token).toBe("[redacted]");

    // The session works on the other node too (shared through Redis).
    const resumed = admin(b!.url, { sessionId });
    await waitFor("admin session accepted on the other node", 5000, (resolve, reject) => {
      resumed.once("connect", () => resolve(undefined));
      resumed.once("connect_error", reject);
    });
  });

  it("serves the bundled UI at /admin/ with no outside URL", async () => {
    const url = cluster.nodes[1]!.url;
    const redirect = await fetch(`${url}/admin`, { redirect: "manual" });
    expect([redirect.status, redirect.headers.get("location")]).toEqual([301, "/admin/"]);
    const page = await fetch(`${url}/admin/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    const script = /src="(js\/app\.[^"]+\.js)"/.exec(html)?.[1];
    expect((await fetch(`${url}/admin/${script}`)).status).toBe(200);
    expect((await fetch(`${url}/admin/vendor/mdi/css/materialdesignicons.min.css`)).status).toBe(200);
    const missing = await fetch(`${url}/admin/nope.js`);
    expect([missing.status, await missing.json()]).toEqual([404, { ok: false, error: { code: "not_found", message: "no such file" } }]);
  });
});
