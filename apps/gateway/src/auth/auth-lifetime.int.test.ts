/**
 * Authorization that ends, against two gateways sharing the real Redis: a token's `exp`
 * ends its socket (notice first) unless `auth:refresh` replaced it; revocation of a user, a
 * chat session or one token (sign-out) disconnects the matching sockets on every node and
 * refuses the revoked tokens on every node afterwards.
 */
import type { SystemNotice } from "@roomcast/protocol";
import { spawn } from "node:child_process";
import path from "node:path";
import { connectOutcome, connected, openSocket, request, type TestSocket } from "../testing/clients";
import { startCluster, TEST_SECRET, type TestCluster } from "../testing/harness";
import { waitFor } from "../testing/wait";

describe("authorization that ends", () => {
  let cluster: TestCluster;
  let urls: string[];
  const open: TestSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, env: { ROOMCAST_ADMIN_UI: "off" } });
    urls = cluster.nodes.map((node) => node.url);
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.disconnect();
  });
  afterAll(() => cluster.close());

  const connect = async (node: number, token: string) => {
    const socket = await connected(urls[node]!, token);
    open.push(socket);
    return socket;
  };
  const agent = (sub: string, ttlSeconds?: number) => cluster.token({ sub, tenant: "acme", role: "agent", ttlSeconds });
  const admin = () => cluster.token({ sub: "root", tenant: "acme", role: "admin" });

  /** Resolves with the notices a socket got up to its disconnect, and the disconnect reason. */
  const ended = (socket: TestSocket, what: string, timeoutMs: number) =>
    waitFor<{ notices: SystemNotice["type"][]; reason: string }>(what, timeoutMs, (resolve) => {
      const notices: SystemNotice["type"][] = [];
      const onSystem = (notice: SystemNotice) => notices.push(notice.type);
      const onDisconnect = (reason: string) => resolve({ notices, reason });
      socket.on("system", onSystem);
      socket.once("disconnect", onDisconnect);
      return () => {
        socket.off("system", onSystem);
        socket.off("disconnect", onDisconnect);
      };
    });

  const post = (node: number, path: string, token: string, body: unknown = {}) =>
    fetch(`${urls[node]}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  it("tells a socket its token expired, then disconnects it, within 60 s of exp", async () => {
    const socket = await connect(0, agent("shortlived", 2));
    expect(await ended(socket, "the token_expired notice and the disconnect", 60_000)).toEqual({ notices: ["token_expired"], reason: "io server disconnect" });
  });

  it("keeps a socket that refreshed past its old token's exp", async () => {
    const refreshed = await connect(0, agent("refresher", 2));
    const control = await connect(0, agent("refresher", 2));
    const controlEnded = ended(control, "the control socket (old token) to expire", 60_000);
    const ack = await request(refreshed, "auth:refresh", { token: agent("refresher", 3600) });
    expect(ack).toMatchObject({ ok: true, exp: expect.any(Number) });
    // The control socket carried a token with the same exp and was ended by it …
    expect((await controlEnded).notices).toEqual(["token_expired"]);
    // … the refreshed one is still authorized.
    expect(refreshed.connected).toBe(true);
    expect(await request(refreshed, "subscribe", { channel: "chat" })).toMatchObject({ ok: true });
  });

  it.each([
    ["another subject's token", () => agent("mallory"), "forbidden"],
    ["another role's token", () => cluster.token({ sub: "carol", tenant: "acme", role: "admin" }), "forbidden"],
    ["another tenant's token", () => cluster.token({ sub: "carol", tenant: "globex", role: "agent" }), "forbidden"],
    ["an invalid token", () => "not-a-jwt", "unauthorized"],
    ["no token", () => undefined, "invalid"],
  ])("refuses a refresh with %s and changes nothing", async (_name, token, code) => {
    const socket = await connect(1, agent("carol"));
    const ack = await request(socket, "auth:refresh", token() === undefined ? {} : { token: token() });
    expect(ack).toMatchObject({ ok: false, error: { code } });
    expect(await request(socket, "subscribe", { channel: "chat" })).toMatchObject({ ok: true });
  });

  it("revokes a user: its sockets on every node are told and disconnected, its tokens refused everywhere", async () => {
    const oldToken = agent("alice");
    const onA = await connect(0, oldToken);
    const onB = await connect(1, oldToken);
    const bystander = await connect(1, agent("bob"));
    const endings = [ended(onA, "alice on node 0 to be revoked", 5000), ended(onB, "alice on node 1 to be revoked", 5000)];
    const res = await post(0, "/api/v1/admin/revoke", admin(), { user: "alice" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, revoked: { kind: "user", tenant: "acme", sub: "alice" } });
    for (const ending of endings) expect(await ending).toEqual({ notices: ["revoked"], reason: "io server disconnect" });
    expect(bystander.connected).toBe(true);
    for (const url of urls) {
      const retry = openSocket(url, oldToken);
      open.push(retry);
      expect(await connectOutcome(retry)).toMatchObject({ connected: false, code: "unauthorized", message: "token revoked" });
    }
    // The HTTP API refuses it too; a token issued after the revocation works.
    expect((await post(1, "/api/v1/auth/logout", oldToken)).status).toBe(401);
    await connect(1, agent("alice"));
  });

  it("revokes a chat session: its visitor is disconnected and its token refused", async () => {
    const visitor = cluster.token({ sub: "v1", tenant: "acme", role: "visitor", session: "s_77" });
    const socket = await connect(1, visitor);
    const ending = ended(socket, "the visitor to be revoked", 5000);
    expect((await post(0, "/api/v1/admin/revoke", admin(), { session: "s_77" })).status).toBe(200);
    expect((await ending).notices).toEqual(["revoked"]);
    const retry = openSocket(urls[0]!, visitor);
    open.push(retry);
    expect(await connectOutcome(retry)).toMatchObject({ connected: false, code: "unauthorized" });
  });

  it("signs out one token: its sockets end, the same user's other token stays valid", async () => {
    const signedOut = agent("dana");
    const other = agent("dana");
    const socket = await connect(1, signedOut);
    const keeps = await connect(0, other);
    const ending = ended(socket, "the signed-out token's socket to end", 5000);
    const res = await post(0, "/api/v1/auth/logout", signedOut);
    expect(res.status).toBe(200);
    expect((await ending).notices).toEqual(["revoked"]);
    expect(keeps.connected).toBe(true);
    const retry = openSocket(urls[1]!, signedOut);
    open.push(retry);
    expect(await connectOutcome(retry)).toMatchObject({ connected: false, code: "unauthorized" });
    await connect(1, other);
  });

  it.each([
    ["a member", () => cluster.token({ sub: "m", tenant: "acme", role: "member" }), { user: "x" }, 403, "forbidden"],
    ["an empty body", admin, {}, 400, "invalid"],
    ["both targets", admin, { user: "x", session: "y" }, 400, "invalid"],
    ["a forged id", admin, { user: "globex:alice" }, 400, "invalid"],
  ])("refuses a revocation by %s", async (_name, token, body, status, code) => {
    const res = await post(0, "/api/v1/admin/revoke", token(), body);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ ok: false, error: { code } });
  });
});

describe("revocation on a single node (no Redis: the list is in memory)", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 1, redisUrl: null, env: { ROOMCAST_ADMIN_UI: "off" } });
  });
  afterAll(() => cluster.close());

  it("disconnects the user's socket and refuses its token afterwards", async () => {
    const url = cluster.nodes[0]!.url;
    const token = cluster.token({ sub: "erin", tenant: "acme", role: "agent" });
    const socket = await connected(url, token);
    const gone = waitFor<string>("erin's socket to be disconnected", 5000, (resolve) => {
      socket.once("disconnect", resolve);
    });
    const res = await fetch(`${url}/api/v1/admin/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${cluster.token({ sub: "root", tenant: "acme", role: "admin" })}` },
      body: JSON.stringify({ user: "erin" }),
    });
    expect(res.status).toBe(200);
    expect(await gone).toBe("io server disconnect");
    const retry = openSocket(url, token);
    expect(await connectOutcome(retry)).toMatchObject({ connected: false, code: "unauthorized" });
    retry.disconnect();
  });

  it("the CLI revokes a chat session through the admin API", async () => {
    const url = cluster.nodes[0]!.url;
    const socket = await connected(url, cluster.token({ sub: "v9", tenant: "acme", role: "visitor", session: "s_cli" }));
    const gone = waitFor<string>("the visitor's socket to be disconnected", 30_000, (resolve) => {
      socket.once("disconnect", resolve);
    });
    const repo = path.resolve(__dirname, "../../../..");
    const cli = spawn(process.execPath, ["--import", "tsx", path.join(repo, "apps/gateway/src/cli/revoke.ts"), "--tenant", "acme", "--session", "s_cli", "--url", url], {
      cwd: repo,
      env: { PATH: process.env.PATH, NODE_ENV: "test", ROOMCAST_JWT_SECRET: TEST_SECRET },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    cli.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const code = await waitFor<number | null>("the CLI to exit", 30_000, (resolve) => {
      cli.once("exit", resolve);
    });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ok: true, revoked: { kind: "session", tenant: "acme", session: "s_cli" } });
    expect(await gone).toBe("io server disconnect");
  });
});
