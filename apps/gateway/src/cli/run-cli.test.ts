/** The CLI's dispatch, usage errors and exit codes, with a fake process (nothing here opens a database). */
import bcrypt from "bcryptjs";
import jwt from "jsonwebtoken";
import type { CliIo } from "./cli-io";
import { runCli } from "./run-cli";

const SECRET = "unit-test-secret-0123456789abcdef0123";

function fakeIo(stdin = "", env: Record<string, string> = {}): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
    readStdin: async () => stdin,
    env: { NODE_ENV: "test", ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_ADMIN_UI: "off", ...env },
    user: "tester",
  };
  return io;
}

describe("roomcast CLI dispatch", () => {
  it("lists the commands on help (exit 0) and with no command (exit 2)", async () => {
    const io = fakeIo();
    expect(await runCli(["help"], io)).toBe(0);
    expect(io.stdout).toMatch(/tenant .*\n.*widget-key/s);
    const none = fakeIo();
    expect(await runCli([], none)).toBe(2);
    expect(none.stderr).toMatch(/usage: roomcast <command>/);
  });

  it.each([
    [["nope"], /unknown command "nope"/],
    [["tenant"], /usage: roomcast tenant create/],
    [["tenant", "destroy"], /unknown command "tenant destroy"/],
    [["tenant", "create"], /missing <id>/],
    [["tenant", "create", "acme", "--nmae", "x"], /Unknown option '--nmae'/],
    [["tenant", "create", "acme", "extra", "--name", "x"], /unexpected argument "extra"/],
    [["tenant", "update", "acme", "--max-connections", "lots"], /--max-connections must be a positive integer/],
    [["user", "create", "acme"], /missing <tenant> <email>/],
    [["user", "set-password", "acme", "a@b.test"], /give --password-stdin/],
    [["outbox", "redrive"], /give event ids or --all/],
    [["outbox", "redrive", "--tenant", "acme", "00000000-0000-4000-8000-000000000000"], /--tenant goes with --all/],
    [["token", "--tenant", "a:b", "--sub", "x", "--role", "admin"], /tenant: must match/],
    [["token", "--tenant", "acme", "--sub", "x", "--role", "visitor"], /a visitor token needs --session/],
    [["token", "--operator", "--tenant", "acme"], /--operator sets the tenant/],
    [["revoke", "--tenant", "acme"], /give exactly one of --user and --session/],
    [["hash-password"], /no password on standard input/],
  ])("%j is bad input: exit 2 with a clear message", async (argv, message) => {
    const io = fakeIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(io.stdout).toBe("");
  });

  it("a bad configuration is bad input, naming the key", async () => {
    const io = fakeIo("", { ROOMCAST_NO_SUCH_SETTING: "1" });
    expect(await runCli(["check-config"], io)).toBe(2);
    expect(io.stderr).toMatch(/ROOMCAST_NO_SUCH_SETTING/);
  });

  it("check-config prints the resolved settings without secrets", async () => {
    const io = fakeIo("", { DATABASE_URL: "postgres://app:hunter22@db.internal:5432/roomcast" });
    expect(await runCli(["check-config", "--json"], io)).toBe(0);
    const summary = JSON.parse(io.stdout) as { database: { url: string } };
    expect(summary.database.url).toBe("postgres://app:***@db.internal:5432/roomcast");
    expect(io.stdout).not.toContain("hunter22");
    expect(io.stdout).not.toContain(SECRET);
  });

  it("token signs with the configured secret; --operator signs a deployment operator token", async () => {
    const io = fakeIo();
    expect(await runCli(["token", "--tenant", "acme", "--sub", "alice", "--role", "admin"], io)).toBe(0);
    expect(jwt.verify(io.stdout.trim(), SECRET)).toMatchObject({ tid: "acme", sub: "alice", role: "admin" });
    const op = fakeIo();
    expect(await runCli(["token", "--operator", "--json"], op)).toBe(0);
    expect(jwt.verify((JSON.parse(op.stdout) as { token: string }).token, SECRET)).toMatchObject({ tid: "_deployment", sub: "operator", role: "admin" });
  });

  it("hash-password prints a bcrypt hash of stdin without its trailing newline", async () => {
    const io = fakeIo("correct horse\n");
    expect(await runCli(["hash-password"], io)).toBe(0);
    await expect(bcrypt.compare("correct horse", io.stdout.trim())).resolves.toBe(true);
    const short = fakeIo("short\n");
    expect(await runCli(["hash-password"], short)).toBe(2);
    expect(short.stderr).toMatch(/password: must be at least 8 characters \(invalid\)/);
  });

  it("a missing embedded database folder is a runtime failure that says what to do", async () => {
    const io = fakeIo("", { ROOMCAST_DATA_DIR: "/nonexistent/roomcast-data" });
    expect(await runCli(["tenant", "list"], io)).toBe(1);
    expect(io.stderr).toMatch(/no embedded database at \/nonexistent\/roomcast-data: start the gateway once, or run `roomcast migrate`/);
  });
});
