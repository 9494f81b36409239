/**
 * `pendingMigrations(db)`: the migrations of prisma/migrations that the database has not
 * applied, asked with one query over an open connection. The embedded gateway asks this
 * first and spawns the migrator (migrate.ts: a second Node process that loads Prisma's
 * Wasm schema engine, about a second) only when something is pending, so a restart on an
 * existing data folder opens it once. A migration recorded as started but not finished,
 * or rolled back, counts as pending: the migrator then reports it as Prisma does.
 * Read-only; the migrator stays the one writer of `_prisma_migrations`.
 */
import type { DbClient } from "../db-client";
import { MIGRATIONS_DIR } from "../paths";
import { readMigrationList } from "./migration-list";

export async function pendingMigrations(db: DbClient, migrationsDir: string = MIGRATIONS_DIR): Promise<string[]> {
  // The same list, in the same order, as the migrator applies.
  const wanted = readMigrationList(migrationsDir).migrationDirectories.map((migration) => migration.path);
  const [table] = await db.$queryRaw<Array<{ present: boolean }>>`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`;
  if (table?.present !== true) return wanted;
  const rows = await db.$queryRaw<Array<{ migration_name: string }>>`
    SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const applied = new Set(rows.map((row) => row.migration_name));
  return wanted.filter((name) => !applied.has(name));
}
