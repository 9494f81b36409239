/**
 * `watchTable(table, { tenantColumn, columns })`: the SQL, for a migration, that publishes
 * every row change of `table` to the `changes` channel (stream `<tenant>:changes:<table>`).
 *
 * It installs a row-level AFTER INSERT OR UPDATE OR DELETE trigger whose plpgsql function
 * calls `roomcast_publish_change` (migration `…_changes_channel`), which publishes like
 * `publish()` does, in the writer's own transaction: the same upsert on `streams` takes
 * the stream row's lock until commit, so offsets are gapless and in commit order, and a
 * rolled-back change leaves no event; the outbox's enqueue trigger then queues and wakes
 * the relay. The event: type `insert` | `update` | `delete`, data `{ new, old }` with only
 * the listed columns (`jsonb_build_object`; null for the side that does not exist),
 * source `db:<table>`, the default priority.
 *
 * Rules the trigger keeps:
 * - an UPDATE that changes none of the listed columns publishes nothing;
 * - an UPDATE that moves a row to another tenant publishes a `delete` to the old tenant's
 *   stream and an `insert` to the new one's, so no tenant sees the other's values;
 * - a row whose tenant column is not a valid tenant id fails the writer's statement
 *   (its change could not be published, and an unpublished change breaks the contract).
 *
 * The cost, as with `publish()`: writers of one table and tenant are serialised from their
 * change to their commit. Changing the column list is a new migration calling
 * `watchTable` again (the function is replaced); `unwatchTable` removes the trigger.
 */
import { CHANGE_ROW_MAX_FIELDS, COLUMN_NAME_PATTERN } from "@roomcast/protocol";

export interface WatchTableOptions {
  /** The column that holds each row's tenant id. */
  tenantColumn: string;
  /** The columns an event carries (and a `where` may match), 1 … CHANGE_ROW_MAX_FIELDS. */
  columns: readonly string[];
}

/** PostgreSQL's identifier limit (63 bytes) less the function name's prefix. */
const MAX_TABLE_LENGTH = 63 - "roomcast_changes_".length;

export function watchTable(table: string, options: WatchTableOptions): string {
  assertTable(table);
  assertName(options.tenantColumn, "tenant column");
  const { columns } = options;
  if (columns.length < 1 || columns.length > CHANGE_ROW_MAX_FIELDS) throw new RangeError(`watch 1 to ${CHANGE_ROW_MAX_FIELDS} columns`);
  for (const column of columns) assertName(column, "column");
  if (new Set(columns).size !== columns.length) throw new RangeError("each column is listed once");

  const tenant = (row: "NEW" | "OLD") => `${row}."${options.tenantColumn}"`;
  const build = (row: "NEW" | "OLD") => `jsonb_build_object(${columns.map((c) => `'${c}', ${row}."${c}"`).join(", ")})`;
  const publish = (tenantOf: string, type: string, data: string) => `PERFORM roomcast_publish_change(${tenantOf}, '${table}', ${type}, ${data});`;
  return `-- Row changes of "${table}" → the changes channel (packages/db watchTable; tenant column
-- "${options.tenantColumn}"; columns ${columns.join(", ")}).
CREATE OR REPLACE FUNCTION "${functionName(table)}"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  new_row jsonb;
  old_row jsonb;
BEGIN
  IF TG_OP <> 'DELETE' THEN
    new_row := ${build("NEW")};
  END IF;
  IF TG_OP <> 'INSERT' THEN
    old_row := ${build("OLD")};
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF ${tenant("NEW")} IS DISTINCT FROM ${tenant("OLD")} THEN
      ${publish(tenant("OLD"), "'delete'", "jsonb_build_object('new', NULL, 'old', old_row)")}
      ${publish(tenant("NEW"), "'insert'", "jsonb_build_object('new', new_row, 'old', NULL)")}
      RETURN NULL;
    END IF;
    IF new_row = old_row THEN
      RETURN NULL;
    END IF;
  END IF;
  ${publish(`CASE WHEN TG_OP = 'DELETE' THEN ${tenant("OLD")} ELSE ${tenant("NEW")} END`, "lower(TG_OP)", "jsonb_build_object('new', new_row, 'old', old_row)")}
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS "roomcast_changes" ON "${table}";
CREATE TRIGGER "roomcast_changes" AFTER INSERT OR UPDATE OR DELETE ON "${table}"
FOR EACH ROW EXECUTE FUNCTION "${functionName(table)}"();
`;
}

/** The SQL that stops publishing `table`'s changes (its stream and events stay). */
export function unwatchTable(table: string): string {
  assertTable(table);
  return `DROP TRIGGER IF EXISTS "roomcast_changes" ON "${table}";
DROP FUNCTION IF EXISTS "${functionName(table)}"();
`;
}

function functionName(table: string): string {
  return `roomcast_changes_${table}`;
}

function assertTable(table: string): void {
  assertName(table, "table");
  if (table.length > MAX_TABLE_LENGTH) throw new RangeError(`a watched table's name has at most ${MAX_TABLE_LENGTH} characters`);
}

function assertName(name: string, what: string): void {
  if (!COLUMN_NAME_PATTERN.test(name)) throw new RangeError(`${what} "${name.slice(0, 80)}" must match [a-z_][a-z0-9_]{0,62}`);
}
