/**
 * The same publish / replay / relay queries on embedded PGlite (a temporary data folder),
 * through testing/pglite-scenario.ts in a child process (see its header for why).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { readMigrationList } from "./migrate/migration-list";
import { MIGRATIONS_DIR } from "./paths";

jest.setTimeout(120_000);

const run = promisify(execFile);
const SCENARIO = path.join(__dirname, "testing", "pglite-scenario.ts");

interface Report {
  applied: string[];
  concurrent: number[];
  rolledBack: string;
  afterRollback: number;
  replay: Array<{ offset: number; data: unknown; stream: string; ts: string }>;
  relayed: { members: string[]; pending: string[] };
  left: string[];
  retention: { deleted: number; batches: number; complete: boolean };
  positions: Record<"s1" | "s2", { lastOffset: number; publishedOffset: number; oldestRetainedOffset: number }>;
  notified: number;
}

describe("the outbox on PGlite", () => {
  let dir: string;
  let report: Report;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "roomcast-pglite-"));
    const { stdout } = await run(process.execPath, ["--import", pathToFileURL(require.resolve("tsx")).href, SCENARIO, path.join(dir, "data")], { timeout: 110_000 });
    report = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as Report;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("migrates a new data folder", () => {
    expect(report.applied).toEqual(readMigrationList(MIGRATIONS_DIR).migrationDirectories.map((d) => d.path));
  });

  it("assigns gapless offsets to concurrent writers and reuses a rolled-back offset", () => {
    expect(report.concurrent).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(report.rolledBack).toBe("roll back");
    expect(report.afterRollback).toBe(11);
  });

  it("replays a stream in order without the rolled-back event", () => {
    expect(report.replay.map((e) => e.offset)).toEqual([9, 10, 11]);
    expect(report.replay.at(-1)).toMatchObject({ stream: "embedded:chat:s1", data: "after" });
    expect(report.replay.map((e) => e.data)).not.toContain("doomed");
  });

  it("runs the relay queries: heartbeat, lock and read, mark emitted", () => {
    expect(report.relayed.members).toEqual(["embedded-relay"]);
    expect(report.relayed.pending).toEqual([...Array.from({ length: 11 }, (_, i) => `embedded:chat:s1#${i + 1}`), "embedded:chat:s2#1"].sort());
    expect(report.left).toEqual(["embedded:chat:s2#1"]);
  });

  it("applies retention to published events only", () => {
    expect(report.retention).toMatchObject({ deleted: 11, complete: true });
    expect(report.positions.s1).toEqual({ lastOffset: 11, publishedOffset: 11, oldestRetainedOffset: 12 });
    expect(report.positions.s2).toEqual({ lastOffset: 1, publishedOffset: 0, oldestRetainedOffset: 1 });
  });

  it("notifies the relay channel once per committed transaction, never for the rolled-back one", () => {
    expect(report.notified).toBe(12);
  });
});
