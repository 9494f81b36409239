import { hashSync } from "bcryptjs";
import type { IncomingMessage } from "node:http";
import pino from "pino";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { Writable } from "node:stream";
import { ADMIN_LOGIN_ATTEMPTS, adminAuthMiddleware, SIGN_IN_REQUIRED, type AdminHandshake, type SessionStore } from "./admin-auth";

const PASSWORD = "correct horse battery staple";
const HASH = hashSync(PASSWORD, 4);

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const sessions = new Set<string>();
  const store: SessionStore = { doesSessionExist: (id) => Promise.resolve(sessions.has(id)), saveSession: (id) => void sessions.add(id) };
  const limiter = new RateLimiterMemory({ points: ADMIN_LOGIN_ATTEMPTS, duration: 900 });
  const middleware = adminAuthMiddleware({
    user: "ops",
    passwordHash: HASH,
    store,
    limiter,
    addressOf: (req) => String(req.headers["x-test-address"]),
    logger: pino({ level: "debug" }, sink),
  });
  const attempt = (auth: Record<string, unknown>, address = "10.0.0.1") =>
    new Promise<{ error: (Error & { data?: { code: string; retryAfterSeconds?: number } }) | undefined; sessions: string[] }>((resolve) => {
      const emitted: string[] = [];
      const socket: AdminHandshake = {
        handshake: { auth },
        request: { headers: { "x-test-address": address } } as unknown as IncomingMessage,
        emit: (_event, id) => emitted.push(id),
      };
      middleware(socket, (error) => resolve({ error, sessions: emitted }));
    });
  return { attempt, lines, sessions };
}

describe("adminAuthMiddleware", () => {
  it("signs in with the right user and password and hands out a session that works alone", async () => {
    const { attempt, lines } = setup();
    const ok = await attempt({ username: "ops", password: PASSWORD });
    expect(ok.error).toBeUndefined();
    expect(ok.sessions).toHaveLength(1);
    expect(ok.sessions[0]).toMatch(/^[0-9a-f]{32}$/);
    expect((await attempt({ sessionId: ok.sessions[0] })).error).toBeUndefined();
    expect(lines.some((l) => l.msg === "admin signed in" && l.address === "10.0.0.1")).toBe(true);
  });

  it("refuses a wrong password, a wrong user and non-string credentials with 'invalid credentials'", async () => {
    const { attempt } = setup();
    for (const auth of [
      { username: "ops", password: "wrong" },
      { username: "root", password: PASSWORD },
      { username: "ops", password: 12345 },
      { username: "ops", password: { toString: "x" } },
      { username: ["ops"], password: [PASSWORD] },
      { username: "ops" },
      { sessionId: "no-such-session", password: "wrong" },
    ]) {
      const { error, sessions } = await attempt(auth);
      expect([error?.message, error?.data?.code, sessions]).toEqual(["invalid credentials", "unauthorized", []]);
    }
  });

  it("asks to sign in, with an empty message and unthrottled, when no user name or password was tried (the UI opening)", async () => {
    const { attempt, lines } = setup();
    expect(SIGN_IN_REQUIRED).toBe("");
    // What the UI sends when the page opens: a stored session id (unknown or expired here), null, or nothing.
    for (let i = 0; i < ADMIN_LOGIN_ATTEMPTS + 2; i++) {
      for (const auth of [{ sessionId: "no-such-session" }, { sessionId: null }, {}]) {
        const { error, sessions } = await attempt(auth);
        expect([error?.message, error?.data?.code, sessions]).toEqual(["", "unauthorized", []]);
      }
    }
    // None of those counted against the address, nor was logged as a failed sign-in.
    expect((await attempt({ username: "ops", password: PASSWORD })).error).toBeUndefined();
    expect(lines.filter((l) => l.msg === "admin sign-in failed")).toEqual([]);
  });

  it(`throttles after ${ADMIN_LOGIN_ATTEMPTS} failures per address, before bcrypt runs, and logs each failure without the password`, async () => {
    const { attempt, lines } = setup();
    for (let i = 0; i < ADMIN_LOGIN_ATTEMPTS; i++) expect((await attempt({ username: "ops", password: `guess-${i}` })).error?.message).toBe("invalid credentials");
    const throttled = await attempt({ username: "ops", password: PASSWORD });
    expect(throttled.error?.message).toBe("too many sign-in attempts, retry later");
    expect(throttled.error?.data?.code).toBe("rate_limited");
    expect(throttled.error?.data?.retryAfterSeconds).toBeGreaterThan(0);
    expect(throttled.sessions).toEqual([]);
    // Another address is not affected.
    expect((await attempt({ username: "ops", password: PASSWORD }, "10.0.0.2")).error).toBeUndefined();

    const failures = lines.filter((l) => l.msg === "admin sign-in failed");
    expect(failures).toHaveLength(ADMIN_LOGIN_ATTEMPTS);
    expect(failures[0]).toMatchObject({ address: "10.0.0.1", knownUser: true, withPassword: true });
    expect(lines.filter((l) => l.msg === "admin sign-in throttled")).toHaveLength(1);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain("guess-");
    expect(logged).not.toContain(PASSWORD);
  });

  it("never locks out a valid session, and a success clears the address's count", async () => {
    const { attempt } = setup();
    const { sessions } = await attempt({ username: "ops", password: PASSWORD });
    for (let i = 0; i < ADMIN_LOGIN_ATTEMPTS - 1; i++) await attempt({ username: "ops", password: "wrong" });
    expect((await attempt({ username: "ops", password: PASSWORD })).error).toBeUndefined();
    for (let i = 0; i < ADMIN_LOGIN_ATTEMPTS; i++) await attempt({ username: "ops", password: "wrong" });
    expect((await attempt({ username: "ops", password: PASSWORD })).error?.data?.code).toBe("rate_limited");
    expect((await attempt({ sessionId: sessions[0] })).error).toBeUndefined();
  });

  it("does not log a user name that is not the configured one (it may be a password typed in the wrong field)", async () => {
    const { attempt, lines } = setup();
    await attempt({ username: "my-secret-typed-here", password: "x" });
    expect(JSON.stringify(lines)).not.toContain("my-secret-typed-here");
    expect(lines.find((l) => l.msg === "admin sign-in failed")).toMatchObject({ knownUser: false });
  });
});
