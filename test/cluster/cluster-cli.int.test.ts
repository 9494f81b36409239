/**
 * `npm run cluster` as a user runs it (the same command line as the npm script): it
 * creates the database DATABASE_URL names when it is missing, migrates it, prints exactly
 * one line on stdout, `public: http://127.0.0.1:<port>`, once nginx answers; on SIGTERM it
 * stops its children, removes its run folder and exits 0. Progress is JSON on stderr.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { DEFAULT_TEST_SERVER_URL } from "@roomcast/db/testing";
import pg from "pg";
import { until } from "@roomcast/gateway/testing";
import { httpStatus } from "../../scripts/cluster/readiness";
import { startCluster, type ClusterEvent } from "../../scripts/cluster/start-cluster";

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, "../..");
const serverUrl = process.env.ROOMCAST_TEST_DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
// The createTestDatabase naming, so a run killed before dropping it is cleaned up later.
const name = `roomcast_test_${Date.now()}_${randomBytes(4).toString("hex")}`;

async function onServer(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

it("creates and migrates the database, prints the public line, and stops cleanly on SIGTERM", async () => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  expect((await onServer("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount).toBe(0);

  const child = spawn(process.execPath, ["--import", "tsx", "scripts/cluster/main.ts", "--nodes", "2", "--relays", "0", "--prefix", `cli-${name}`], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  /** The exit code, or "timeout" after `ms`. */
  const exitWithin = async (ms: number): Promise<number | null | "timeout"> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([exited, new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    await until("the public line", 90_000, () => {
      if (child.exitCode !== null) throw new Error(`runner exited ${child.exitCode}:\n${stderr}`);
      return stdout.includes("\n");
    }, 50);
    const match = /^public: (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(stdout);
    expect(match).not.toBeNull();
    const publicUrl = match![1]!;
    expect(await httpStatus(`${publicUrl}/readyz`)).toBe(200);

    const events = stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "database", name, created: true })]));
    expect(events.find((e) => e.kind === "migrated")?.applied).toEqual(expect.arrayContaining([expect.any(String)]));
    const dir = String(events.find((e) => e.msg === "cluster ready")?.dir);
    expect(existsSync(dir)).toBe(true);

    child.kill("SIGTERM");
    expect(await exitWithin(30_000)).toBe(0);
    expect(stdout).toBe(`public: ${publicUrl}\n`);
    expect(existsSync(dir)).toBe(false);
    expect(await httpStatus(`${publicUrl}/healthz`, 500)).toBeUndefined();
  } finally {
    // On failure: SIGTERM lets the runner stop its (detached) children; SIGKILL would orphan them.
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      if ((await exitWithin(30_000)) === "timeout") child.kill("SIGKILL");
    }
  }
});

it("fails fast when a gateway exits while starting: rejects with its log, leaves nothing running", async () => {
  const events: ClusterEvent[] = [];
  const started = Date.now();
  // An unknown ROOMCAST_* key makes the gateway refuse to start (and exit 1) at once.
  const error: unknown = await startCluster({
    nodes: 2,
    relays: 0,
    databaseUrl: "postgres://postgres@127.0.0.1:5432/never_created",
    createDatabase: false,
    migrate: false,
    env: { ROOMCAST_NOT_A_SETTING: "1" },
    readyTimeoutMs: 60_000,
    onEvent: (event) => events.push(event),
  }).then(
    () => new Error("the cluster started"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(/cluster failed to start: gateway-\d exited \(code 1/);
  expect((error as Error).message).toContain("ROOMCAST_NOT_A_SETTING: unknown setting");
  expect(Date.now() - started).toBeLessThan(30_000);
  const exited = events.filter((e) => e.kind === "exited").map((e) => (e.kind === "exited" ? e.name : ""));
  expect(exited.sort()).toEqual(["gateway-1", "gateway-2"]);
  const stopped = events.find((e) => e.kind === "stopped");
  expect(stopped).toMatchObject({ removed: true });
  expect(existsSync(stopped?.kind === "stopped" ? stopped.dir : "/")).toBe(false);
});
