/**
 * The Admin UI's server side on two gateways sharing Redis: basic auth against the
 * configured bcrypt hash (a wrong password is refused), the `/admin` namespace reachable
 * without a Roomcast token (the JWT middleware guards the main namespace only), every
 * node's stats and every node's sockets listed, admin sessions valid on the other node
 * (Redis store), no client credential anywhere in what the UI receives, the bundled UI
 * served at /admin/ with no outside URL, and sign-in throttled per client address across
 * nodes (X-Forwarded-For, as behind nginx).
 */
import { hashSync } from "bcryptjs";
import { ADMIN_LOGIN_ATTEMPTS } from "./admin-auth";
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
      env: { ROOMCAST_ADMIN_PASSWORD_HASH: hashSync(PASSWORD, 4), ROOMCAST_ADMIN_USER: "ops", ROOMCAST_ADMIN_MODE: "development", ROOMCAST_TRUST_PROXY: "true" },
    });
  });
  afterAll(async () => {
    for (const socket of [...clients, ...admins]) socket.disconnect();
    await cluster.close();
  });

  const admin = (url: string, auth: Record<string, unknown>, from?: string): Socket => {
    const headers = from === undefined ? {} : { extraHeaders: { "x-forwarded-for": from } };
    const socket = connect(`${url}/admin`, { transports: ["websocket"], reconnection: false, forceNew: true, auth, ...headers });
    admins.push(socket);
    return socket;
  };
  const signInOutcome = (socket: Socket) =>
    waitFor<{ message: string; code?: string }>("admin connect or connect_error", 5000, (resolve) => {
      socket.once("connect_error", (error: Error & { data?: { code?: string } }) => resolve({ message: error.message, code: error.data?.code }));
      socket.once("connect", () => resolve({ message: "connected" }));
    });

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

  it("throttles sign-in per client address on every node, and survives non-string credentials", async () => {
    const [a, b] = cluster.nodes;
    const attacker = "198.51.100.7";
    for (let i = 0; i < ADMIN_LOGIN_ATTEMPTS; i++) {
      const outcome = await signInOutcome(admin((i % 2 === 0 ? a : b)!.url, { username: "ops", password: `guess-${i}` }, attacker));
      expect(outcome).toEqual({ message: "invalid credentials", code: "unauthorized" });
    }
    // The count is shared through Redis: the next try, even with the right password, is refused on either node.
    for (const node of [a!, b!]) {
      expect(await signInOutcome(admin(node.url, { username: "ops", password: PASSWORD }, attacker))).toEqual({
        message: "too many sign-in attempts, retry later",
        code: "rate_limited",
      });
    }
    // Another address signs in; credentials of the wrong type are refused, not a crash.
    expect(await signInOutcome(admin(a!.url, { username: "ops", password: PASSWORD }, "198.51.100.8"))).toEqual({ message: "connected" });
    expect(await signInOutcome(admin(b!.url, { username: "ops", password: 42 }, "198.51.100.9"))).toEqual({ message: "invalid credentials", code: "unauthorized" });
    expect((await fetch(`${b!.url}/healthz`)).status).toBe(200);
  });
});
