/**
 * `roomcast user disable` and the tokens a user already holds, against a gateway process on
 * PostgreSQL (the CLI as a child process, `apps/gateway/bin/roomcast.js`):
 * - with `--url`, the gateway's admin API disables the user and revokes their tokens: their
 *   open socket is told `revoked` and disconnected, and the token no longer connects;
 * - without it, the database is changed only: sign-in is refused from then on, the command
 *   says that issued tokens stay valid until they expire, and the open socket stays.
 */
import { connected, connectOutcome, openSocket, until, waitFor, type TestSocket } from "@roomcast/gateway/testing";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process";
import { roomcast, roomcastOk } from "./roomcast-cli";

jest.setTimeout(120_000);

const SECRET = "operator-disable-test-secret-0123456789abcdef";
const PASSWORD = "agent-password-123";

describe("roomcast user disable and the user's live tokens", () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let env: Record<string, string>;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off" };
    await roomcastOk(["tenant", "create", "shop", "--name", "The Shop"], env);
    for (const email of ["one@shop.test", "two@shop.test"]) {
      await roomcastOk(["user", "create", "shop", email, "--role", "agent", "--password-stdin"], env, { stdin: `${PASSWORD}\n` });
    }
    gateway = await startGatewayProcess({ ...env, NODE_ENV: "test", ROOMCAST_DEMO_SEED: "off" });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await gateway?.stop();
    await database?.drop();
  });

  async function signIn(email: string): Promise<{ token: string; socket: TestSocket; notices: string[] }> {
    const response = await fetch(`${gateway.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenant: "shop", email, password: PASSWORD }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    const socket = await connected(gateway.url, token, { reconnection: false });
    sockets.push(socket);
    const notices: string[] = [];
    socket.on("system", (notice) => notices.push(notice.type));
    return { token, socket, notices };
  }

  it("with --url, revokes the user's tokens on the running gateway and disconnects their socket", async () => {
    const { token, socket, notices } = await signIn("one@shop.test");
    const closed = waitFor<string>("the revoked socket to be disconnected", 10_000, (resolve) => {
      socket.once("disconnect", (reason) => resolve(reason));
    });

    const run = await roomcastOk(["user", "disable", "shop", "one@shop.test", "--url", gateway.url, "--json"], env);
    expect(run.json).toMatchObject({ user: { email: "one@shop.test", disabled: true, tokensRevoked: true } });

    expect(await closed).toBe("io server disconnect");
    expect(notices).toContain("revoked");
    const again = openSocket(gateway.url, token, { reconnection: false });
    sockets.push(again);
    expect(await connectOutcome(again)).toMatchObject({ connected: false });
  });

  it("without --url, changes the database only and says the issued tokens stay valid until they expire", async () => {
    const { socket } = await signIn("two@shop.test");
    const run = await roomcastOk(["user", "disable", "shop", "two@shop.test"], env);
    expect(run.stdout).toMatch(/^disabled two@shop\.test\tagent\t/);
    expect(run.stderr).toMatch(/tokens already issued to \S+ stay valid until they expire.*--url <gateway>/);

    const login = await fetch(`${gateway.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenant: "shop", email: "two@shop.test", password: PASSWORD }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(login.status).toBe(401);
    // The documented limit of the database-only path: the open socket is not touched.
    await until("a round trip on the still-open socket", 5000, async () => (await socket.timeout(2000).emitWithAck("presence", { channel: "chat" }).catch(() => undefined)) !== undefined);
    expect(socket.connected).toBe(true);
  });

  it("refuses an unreachable gateway and an unknown user with exit 1 and a reason", async () => {
    const unknown = await roomcast(["user", "disable", "shop", "nobody@shop.test", "--url", gateway.url], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/refused to disable nobody@shop\.test: .*\(not_found\)/);
    const unreachable = await roomcast(["user", "disable", "shop", "one@shop.test", "--url", "http://127.0.0.1:9"], env);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
