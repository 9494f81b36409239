/**
 * A process that takes the PGlite folder lock (pglite-lock.ts) and holds it until its stdin
 * closes or it is killed; for the lock's tests. Usage: tsx lock-holder.ts <folder>.
 * Prints one line: `locked <pid>` or `refused <message>` (then exits 1).
 */
import { lockPgliteDir } from "../pglite-lock";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: lock-holder.ts <folder>");
try {
  const lock = lockPgliteDir(dir);
  process.stdout.write(`locked ${process.pid}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => {
    lock.release();
    process.exit(0);
  });
} catch (error) {
  process.stdout.write(`refused ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
