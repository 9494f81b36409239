/**
 * One embedded data folder, one process (issue 9): a second `npm start` on the folder of a
 * running gateway is refused at start, naming the folder and the holder's pid, and changes
 * nothing; after the holder is SIGKILLed the next start takes its lock over and every
 * acknowledged event is still there; a clean stop releases the lock.
 */
import { signToken, TEST_SECRET, waitFor } from "@roomcast/gateway/testing";
import { loadConfig } from "@roomcast/config";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT, startGatewayProcess, type GatewayProcess } from "../support/gateway-process";

describe("the embedded data folder lock", () => {
  let dir: string;
  let dataDir: string;
  const running: GatewayProcess[] = [];
  const { config } = loadConfig({ ROOMCAST_JWT_SECRET: TEST_SECRET });
  const service = signToken(config.jwt, { sub: "billing", tenant: "acme", role: "service" });
  const env = () => ({ ROOMCAST_JWT_SECRET: TEST_SECRET, ROOMCAST_DATA_DIR: dataDir, ROOMCAST_ADMIN_UI: "off", ROOMCAST_DEMO_SEED: "off" });
  const lockOwner = () => (JSON.parse(readFileSync(path.join(dataDir, "roomcast.lock"), "utf8")) as { pid: number }).pid;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "roomcast-lock-"));
    dataDir = path.join(realpathSync(dir), "pglite");
  });
  afterAll(async () => {
    // (stop() waits for an exit, which a process already SIGKILLed has had.)
    for (const gateway of running) if (gateway.child.exitCode === null && gateway.child.signalCode === null) await gateway.stop("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  const publish = async (gateway: GatewayProcess, n: number) => {
    const res = await fetch(`${gateway.url}/api/v1/publish`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${service}` },
      body: JSON.stringify({ channel: "notifications", topic: "u1", type: "hello", data: { n } }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { offset: number };
  };

  /** `npm start` on the folder, expected to be refused: its exit code and output. */
  const refusedStart = () =>
    waitFor<{ code: number | null; output: string }>("the second gateway process to exit", 60_000, (resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "apps/gateway/src/main.ts")], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env() },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.once("exit", (code) => resolve({ code, output }));
      return () => child.kill("SIGKILL");
    });

  it("refuses a second process on the folder, naming the folder and the holder's pid", async () => {
    const first = await startGatewayProcess(env(), 90_000);
    running.push(first);
    expect(await publish(first, 1)).toMatchObject({ offset: 1 });

    const refusing = Date.now();
    const second = await refusedStart();
    process.stdout.write(`embedded lock: second process refused in ${Date.now() - refusing} ms\n`);
    expect(second.code).toBe(1);
    expect(second.output).toContain(`roomcast gateway failed to start: the embedded database folder ${dataDir} is in use by process ${first.child.pid}`);
    // The holder is undisturbed.
    expect(lockOwner()).toBe(first.child.pid);
    expect(await publish(first, 2)).toMatchObject({ offset: 2 });
  }, 120_000);

  it("takes over after the holder is SIGKILLed, with every acknowledged event kept, and releases on a clean stop", async () => {
    const first = running[0]!;
    const killedPid = first.child.pid;
    await first.stop("SIGKILL");
    expect(lockOwner()).toBe(killedPid);

    const restarting = Date.now();
    const next = await startGatewayProcess(env(), 90_000);
    running.push(next);
    process.stdout.write(`embedded lock: restart after SIGKILL took the lock over and was ready in ${Date.now() - restarting} ms\n`);
    expect(lockOwner()).toBe(next.child.pid);
    expect(await publish(next, 3)).toMatchObject({ offset: 3 });
    expect(await next.stop("SIGTERM")).toBe(0);
    expect(existsSync(path.join(dataDir, "roomcast.lock"))).toBe(false);
  }, 120_000);
});
