import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { DataDirLockedError, LOCK_FILE, lockPgliteDir, type LockOwner } from "./pglite-lock";

const HOLDER = path.join(__dirname, "testing", "lock-holder.ts");

function startHolder(dir: string): { child: ChildProcess; line: Promise<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", HOLDER, dir], { stdio: ["pipe", "pipe", "inherit"] });
  const line = new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("lock holder gave no answer within 20 s")), 20_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(out.trim());
      }
    });
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(out.trim());
    });
  });
  return { child, line };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
}

const owner = (pid: number, extra: Partial<LockOwner> = {}): LockOwner => ({
  pid,
  hostname: hostname(),
  processStart: null,
  since: "2026-01-01T00:00:00.000Z",
  nonce: `n${pid}`,
  ...extra,
});

describe("lockPgliteDir", () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "roomcast-lock-"));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill("SIGKILL");
      await exited(child);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const lockFile = () => path.join(dir, LOCK_FILE);
  const writeLock = (record: LockOwner) => writeFileSync(lockFile(), JSON.stringify(record));

  it("creates the lock with this process as owner, refuses a second open, and releases", () => {
    const lock = lockPgliteDir(dir);
    expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(() => lockPgliteDir(dir)).toThrow(`the embedded database folder ${dir} is already open in this process (pid ${process.pid})`);
    lock.release();
    lock.release();
    expect(existsSync(lockFile())).toBe(false);
    lockPgliteDir(dir).release();
  });

  it("refuses a folder another live process holds, naming the folder and its pid", async () => {
    const holder = startHolder(dir);
    children.push(holder.child);
    const line = await holder.line;
    expect(line).toMatch(/^locked \d+$/);
    const pid = Number(line.split(" ")[1]);
    let error: unknown;
    try {
      lockPgliteDir(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as Error).message).toContain(`the embedded database folder ${dir} is in use by process ${pid} on ${hostname()}`);
    expect((error as DataDirLockedError).owner?.pid).toBe(pid);
    // It leaves the holder's lock alone; the holder releases on a clean exit.
    expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ pid });
    holder.child.stdin!.end();
    await exited(holder.child);
    expect(existsSync(lockFile())).toBe(false);
  });

  it("takes over the lock of a SIGKILLed holder", async () => {
    const holder = startHolder(dir);
    children.push(holder.child);
    const pid = Number((await holder.line).split(" ")[1]);
    holder.child.kill("SIGKILL");
    await exited(holder.child);
    expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ pid });
    const lock = lockPgliteDir(dir);
    expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it("takes over a lock whose pid now belongs to another process (a different start time)", () => {
    writeLock(owner(process.ppid, { processStart: "1" }));
    lockPgliteDir(dir).release();
  });

  it("refuses a lock from another host, or one it cannot read, telling what to delete", () => {
    writeLock(owner(1, { hostname: "some-other-host" }));
    expect(() => lockPgliteDir(dir)).toThrow(`locked by process 1 on some-other-host, which cannot be checked from here; delete ${lockFile()} if it is gone`);
    writeFileSync(lockFile(), "{ half");
    expect(() => lockPgliteDir(dir)).toThrow(`locked by ${lockFile()}, which cannot be read`);
  });

  it("never removes a lock that is not its own", () => {
    const lock = lockPgliteDir(dir);
    writeLock(owner(process.ppid));
    lock.release();
    expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ pid: process.ppid });
  });

  it("lets exactly one of several processes racing over one stale lock win", async () => {
    writeLock(owner(2 ** 22 + 12345)); // beyond pid_max: surely dead
    const racers = Array.from({ length: 4 }, () => startHolder(dir));
    children.push(...racers.map((r) => r.child));
    const lines = await Promise.all(racers.map((r) => r.line));
    expect(lines.filter((l) => l.startsWith("locked "))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("refused ") && l.includes("is in use by process"))).toHaveLength(3);
  });

  it("needs no lock for memory:// folders", () => {
    const lock = lockPgliteDir("memory://");
    lock.release();
    expect(lock.file).toBe("");
  });
});
