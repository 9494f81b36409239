/**
 * `npm run db:watch-table -- <table> --tenant-column <column> --columns <a,b,c>
 * [--key-column <column>]`: writes
 * the migration `prisma/migrations/<timestamp>_watch_<table>/migration.sql` that publishes
 * the table's row changes (`watchTable`); `--unwatch` writes one that stops it
 * (`unwatchTable`). Prints `{"created":"<folder>"}`; apply it with `npm run db:migrate`.
 * Exit 2 on a usage error, with the reason.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { MIGRATION_FILE, migrationFolderName } from "../migrate/migration-list";
import { MIGRATIONS_DIR } from "../paths";
import { unwatchTable, watchTable } from "./watch-table";

const USAGE = "usage: db:watch-table -- <table> --tenant-column <column> --columns <a,b,c> [--key-column <column>] | <table> --unwatch";

/** The migration's folder name and SQL for these arguments; throws RangeError on a usage error. */
export function watchMigration(args: readonly string[], at: Date): { folder: string; sql: string } {
  const [table, ...rest] = args;
  if (table === undefined || table.startsWith("--")) throw new RangeError(USAGE);
  if (rest.includes("--unwatch")) {
    if (rest.length !== 1) throw new RangeError(USAGE);
    return { folder: migrationFolderName(`unwatch_${table}`, at), sql: unwatchTable(table) };
  }
  const tenantColumn = option(rest, "--tenant-column");
  const columns = option(rest, "--columns")?.split(",").map((column) => column.trim());
  const keyColumn = option(rest, "--key-column");
  const expected = keyColumn === undefined ? 4 : 6;
  if (tenantColumn === undefined || columns === undefined || rest.length !== expected) throw new RangeError(USAGE);
  return { folder: migrationFolderName(`watch_${table}`, at), sql: watchTable(table, { tenantColumn, columns, keyColumn }) };
}

function option(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  const value = index === -1 ? undefined : args[index + 1];
  return value === undefined || value.startsWith("--") ? undefined : value;
}

function main(): void {
  let migration: { folder: string; sql: string };
  try {
    migration = watchMigration(process.argv.slice(2), new Date());
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
    return;
  }
  mkdirSync(path.join(MIGRATIONS_DIR, migration.folder), { recursive: true });
  writeFileSync(path.join(MIGRATIONS_DIR, migration.folder, MIGRATION_FILE), migration.sql);
  process.stdout.write(`${JSON.stringify({ created: migration.folder })}\n`);
}

if (require.main === module) main();
