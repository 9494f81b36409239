/**
 * An exclusive lock on an embedded (PGlite) data folder. PGlite is one process's database:
 * two processes on one folder both start, hand out the same offsets, and one side's
 * acknowledged writes are gone after a restart. So every opener (createDb, the migrator)
 * takes `<folder>/roomcast.lock` first and a second process is refused with
 * `DataDirLockedError`, which names the folder and the holder's pid.
 *
 * How:
 * - Create is atomic: the owner record (pid, hostname, process start time, a random nonce)
 *   is written to a private temp file and hard-linked to the lock name; link fails with
 *   EEXIST when a lock exists, and a reader never sees a half-written record. (Where the
 *   file system has no hard links, `open(…, "wx")` is used instead.)
 * - A lock whose holder is gone (SIGKILL, power loss) is taken over: the pid must not be
 *   alive (`kill(pid, 0)` → ESRCH), or be alive with another start time (/proc/<pid>/stat:
 *   the pid was reused). A holder on another host, or one whose liveness cannot be
 *   checked, is treated as alive: the message says to delete the file by hand.
 * - Takeover is serialised by a `roomcast.lock.takeover` directory (mkdir is atomic): under
 *   it, the stale file is removed only if it still holds the nonce that was judged stale,
 *   so two starters racing over one stale lock never both win. A takeover directory older
 *   than TAKEOVER_STALE_MS (its creator died mid-takeover, a matter of microseconds) is
 *   removed.
 * - `release()` removes the file only if it is still ours; it is idempotent. A process that
 *   exits without releasing leaves a stale lock, which the next start takes over.
 * Not proper-lockfile: its staleness is an mtime refreshed by a timer, so a restart right
 * after a crash is refused until the lock ages out, and a process stalled longer than the
 * stale time (a long GC, SIGSTOP) loses its lock while it still writes.
 */
import { randomBytes } from "node:crypto";
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, realpathSync, rmdirSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

export const LOCK_FILE = "roomcast.lock";
const TAKEOVER_STALE_MS = 10_000;
const ATTEMPTS = 50;
const RETRY_WAIT_MS = 10;

export interface LockOwner {
  pid: number;
  hostname: string;
  /** The process's start time in clock ticks since boot (Linux), to tell a reused pid. */
  processStart: string | null;
  since: string;
  nonce: string;
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner | undefined,
    reason: string,
  ) {
    super(`the embedded database folder ${dataDir} is ${reason}; one folder serves one process (use DATABASE_URL for several)`);
  }
}

const NO_LOCK: DataDirLock = { file: "", release: () => undefined };

/** Locks a PGlite data folder (creating it); `memory://` folders need no lock. */
export function lockPgliteDir(dataDir: string): DataDirLock {
  if (dataDir.startsWith("memory://")) return NO_LOCK;
  mkdirSync(dataDir, { recursive: true });
  const dir = realpathSync(dataDir);
  const file = path.join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, hostname: hostname(), processStart: processStart(process.pid), since: new Date().toISOString(), nonce: randomBytes(12).toString("hex") };

  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (tryCreate(file, JSON.stringify(me))) return ownLock(file, me.nonce);
    const owner = readOwner(file);
    if (owner === "missing") continue;
    if (owner === "unreadable") throw new DataDirLockedError(dir, undefined, `locked by ${file}, which cannot be read; delete it if no Roomcast process uses this folder`);
    const state = liveness(owner);
    if (state === "this process") throw new DataDirLockedError(dir, owner, `already open in this process (pid ${owner.pid})`);
    if (state === "alive") throw new DataDirLockedError(dir, owner, `in use by process ${owner.pid} on ${owner.hostname} (since ${owner.since})`);
    if (state === "unknown") {
      throw new DataDirLockedError(dir, owner, `locked by process ${owner.pid} on ${owner.hostname}, which cannot be checked from here; delete ${file} if it is gone`);
    }
    if (!takeOver(file, owner)) sleep(RETRY_WAIT_MS);
  }
  throw new DataDirLockedError(dir, undefined, "being locked by another process starting at the same time");
}

function ownLock(file: string, nonce: string): DataDirLock {
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      const owner = readOwner(file);
      if (typeof owner === "object" && owner.nonce === nonce) unlinkSync(file);
    },
  };
}

function tryCreate(file: string, record: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temp, record, { flag: "wx" });
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"].includes(errorCode(error) ?? "")) throw error;
    return createExclusive(file, record);
  } finally {
    unlinkSync(temp);
  }
}

function createExclusive(file: string, record: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, record);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(file: string): LockOwner | "missing" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return "missing";
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === "number" && typeof value.hostname === "string" && typeof value.nonce === "string") return value as LockOwner;
  } catch {
    // fall through
  }
  return "unreadable";
}

function liveness(owner: LockOwner): "alive" | "dead" | "this process" | "unknown" {
  if (owner.hostname !== hostname()) return "unknown";
  const startNow = processStart(owner.pid);
  const sameStart = owner.processStart === null || startNow === null || owner.processStart === startNow;
  if (owner.pid === process.pid) return sameStart ? "this process" : "dead";
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if (errorCode(error) === "ESRCH") return "dead";
    if (errorCode(error) !== "EPERM") return "unknown";
  }
  return sameStart ? "alive" : "dead";
}

/** Removes `stale` if the file still holds it; false when another takeover is under way. */
function takeOver(file: string, stale: LockOwner): boolean {
  const mutex = `${file}.takeover`;
  try {
    mkdirSync(mutex);
  } catch (error) {
    if (errorCode(error) !== "EEXIST") throw error;
    if (ageMs(mutex) > TAKEOVER_STALE_MS) rmdirSync(mutex, { maxRetries: 0 });
    return false;
  }
  try {
    const current = readOwner(file);
    if (typeof current === "object" && current.nonce === stale.nonce) unlinkSync(file);
    return true;
  } finally {
    rmdirSync(mutex);
  }
}

function ageMs(target: string): number {
  try {
    return Date.now() - statSync(target).mtimeMs;
  } catch {
    return 0;
  }
}

/** Start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or null. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : undefined;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
