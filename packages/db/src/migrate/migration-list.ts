/**
 * Reads prisma/migrations into the `MigrationList` shape Prisma's schema engine takes:
 * one folder per migration, `<timestamp>_<name>/migration.sql`, applied in name order,
 * plus `migration_lock.toml`. The engine checksums each script, so an edited migration
 * that was already applied is reported rather than silently re-run.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

export interface MigrationListInput {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  shadowDbInitScript: string;
  migrationDirectories: Array<{
    path: string;
    migrationFile: { path: string; content: { tag: "ok"; value: string } | { tag: "error"; value: string } };
  }>;
}

export const MIGRATION_LOCK = "migration_lock.toml";
export const MIGRATION_FILE = "migration.sql";
/** Folder names Prisma generates: a 14-digit UTC timestamp, `_`, a snake_case name. */
export const MIGRATION_NAME_PATTERN = /^\d{14}_[a-z0-9_]+$/;

export function readMigrationList(baseDir: string): MigrationListInput {
  const lockPath = path.join(baseDir, MIGRATION_LOCK);
  const directories = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  return {
    baseDir,
    lockfile: { path: MIGRATION_LOCK, content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: directories.map((name) => {
      const file = path.join(baseDir, name, MIGRATION_FILE);
      return {
        path: name,
        migrationFile: {
          path: MIGRATION_FILE,
          content: existsSync(file)
            ? { tag: "ok", value: readFileSync(file, "utf8") }
            : { tag: "error", value: `${file} does not exist` },
        },
      };
    }),
  };
}

/** `20250101120000_init` for a name and a date (UTC), as `prisma migrate dev` names them. */
export function migrationFolderName(name: string, at: Date): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (slug === "") throw new RangeError("a migration needs a name made of letters or digits");
  const stamp = at.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `${stamp}_${slug}`;
}
