/**
 * Whether `table` is watched (watch-table.ts installed its triggers), read from the
 * catalog: a table of the search path with the `roomcast_changes_insert` trigger. The
 * gateway asks before accepting a `changes` subscription, so a misspelt or unwatched table
 * is refused instead of subscribed to a stream that never gets an event.
 */
import type { DbClient } from "../db-client";

export async function isTableWatched(db: DbClient, table: string): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ watched: boolean }>>`
    SELECT EXISTS (
      SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relname = ${table} AND t.tgname = 'roomcast_changes_insert' AND pg_table_is_visible(c.oid)
    ) AS watched`;
  return rows[0]?.watched === true;
}
