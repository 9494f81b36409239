/**
 * `watchTable(table, { tenantColumn, columns, keyColumn? })`: the SQL, for a migration,
 * that publishes every row change of `table` to the `changes` channel (stream
 * `<tenant>:changes:<table>`).
 *
 * It installs AFTER INSERT, UPDATE and DELETE triggers, FOR EACH STATEMENT over the
 * statement's transition tables, whose plpgsql function hands all of the statement's
 * changes to `roomcast_publish_changes` (migration `…_changes_batched`). That publishes as
 * `publishMany()` does, in the writer's own transaction: one upsert on `streams` per
 * tenant takes the stream row's lock until commit and reserves that tenant's offsets, so
 * offsets are gapless and in commit order, and a rolled-back change leaves no event; the
 * outbox's enqueue trigger then queues and wakes the relay. Each changed row is one event:
 * type `insert` | `update` | `delete`, data `{ new, old }` with only the listed columns
 * (`jsonb_build_object`; null for the side that does not exist), source `db:<table>`, the
 * default priority. (Per statement, not per row: a row trigger upserting the same
 * `streams` row once per row slowed more than linearly, 5.9 s for a 20,000-row statement.)
 *
 * Rules the trigger keeps:
 * - the old and new rows of an UPDATE are paired by `keyColumn` (default `id`); an update
 *   that changes the key is a `delete` and an `insert`;
 * - an UPDATE that changes none of the listed columns publishes nothing;
 * - an UPDATE that moves a row to another tenant publishes a `delete` to the old tenant's
 *   stream and an `insert` to the new one's, so no tenant sees the other's values;
 * - a row whose tenant column is not a valid tenant id fails the writer's statement
 *   (its change could not be published, and an unpublished change breaks the contract);
 * - TRUNCATE publishes nothing.
 *
 * The cost, as with `publish()`: writers of one table and tenant are serialised from their
 * change to their commit. Changing the column list is a new migration calling
 * `watchTable` again (the function is replaced); `unwatchTable` removes the triggers.
 */
import { CHANGE_ROW_MAX_FIELDS, COLUMN_NAME_PATTERN } from "@roomcast/protocol";

export interface WatchTableOptions {
  /** The column that holds each row's tenant id. */
  tenantColumn: string;
  /** The columns an event carries (and a `where` may match), 1 … CHANGE_ROW_MAX_FIELDS. */
  columns: readonly string[];
  /**
   * A column that identifies a row (default `id`; NOT NULL, unique): pairs the old and new
   * rows of an UPDATE. An update that changes it is a `delete` and an `insert`.
   */
  keyColumn?: string | undefined;
}

/** PostgreSQL's identifier limit (63 bytes) less the function name's prefix. */
const MAX_TABLE_LENGTH = 63 - "roomcast_changes_".length;
const OPERATIONS = ["insert", "update", "delete"] as const;

export function watchTable(table: string, options: WatchTableOptions): string {
  assertTable(table);
  assertName(options.tenantColumn, "tenant column");
  const key = options.keyColumn ?? "id";
  assertName(key, "key column");
  const { columns } = options;
  if (columns.length < 1 || columns.length > CHANGE_ROW_MAX_FIELDS) throw new RangeError(`watch 1 to ${CHANGE_ROW_MAX_FIELDS} columns`);
  for (const column of columns) assertName(column, "column");
  if (new Set(columns).size !== columns.length) throw new RangeError("each column is listed once");

  const tenant = (alias: string) => `${alias}."${options.tenantColumn}"`;
  const row = (alias: string) => `jsonb_build_object(${columns.map((c) => `'${c}', ${alias}."${c}"`).join(", ")})`;
  const publish = (select: string) => `PERFORM roomcast_publish_changes('${table}', (SELECT jsonb_agg(c) FROM (${select}) c));`;
  const fn = functionName(table);
  return `-- Row changes of "${table}" → the changes channel (packages/db watchTable; tenant column
-- "${options.tenantColumn}", key "${key}"; columns ${columns.join(", ")}). One call per statement.
CREATE OR REPLACE FUNCTION "${fn}"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${publish(`SELECT ${tenant("n")} AS tenant, 'insert' AS type, jsonb_build_object('new', ${row("n")}, 'old', NULL) AS data FROM new_rows n`)}
  ELSIF TG_OP = 'DELETE' THEN
    ${publish(`SELECT ${tenant("o")} AS tenant, 'delete' AS type, jsonb_build_object('new', NULL, 'old', ${row("o")}) AS data FROM old_rows o`)}
  ELSE
    ${publish(`
      WITH p AS (
        SELECT o."${key}" IS NOT NULL AS had, n."${key}" IS NOT NULL AS has, ${tenant("o")} AS old_tenant, ${tenant("n")} AS new_tenant,
               CASE WHEN o."${key}" IS NOT NULL THEN ${row("o")} END AS old_row,
               CASE WHEN n."${key}" IS NOT NULL THEN ${row("n")} END AS new_row
        FROM old_rows o FULL JOIN new_rows n ON n."${key}" = o."${key}"
      )
      SELECT new_tenant AS tenant, 'update' AS type, jsonb_build_object('new', new_row, 'old', old_row) AS data FROM p
      WHERE had AND has AND old_tenant IS NOT DISTINCT FROM new_tenant AND new_row <> old_row
      UNION ALL
      SELECT old_tenant, 'delete', jsonb_build_object('new', NULL, 'old', old_row) FROM p
      WHERE had AND (NOT has OR old_tenant IS DISTINCT FROM new_tenant)
      UNION ALL
      SELECT new_tenant, 'insert', jsonb_build_object('new', new_row, 'old', NULL) FROM p
      WHERE has AND (NOT had OR old_tenant IS DISTINCT FROM new_tenant)
    `)}
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS "roomcast_changes" ON "${table}";
${OPERATIONS.map((op) => triggerSql(table, op)).join("\n")}
`;
}

function triggerSql(table: string, op: (typeof OPERATIONS)[number]): string {
  const referencing = { insert: "NEW TABLE AS new_rows", update: "OLD TABLE AS old_rows NEW TABLE AS new_rows", delete: "OLD TABLE AS old_rows" }[op];
  return `DROP TRIGGER IF EXISTS "roomcast_changes_${op}" ON "${table}";
CREATE TRIGGER "roomcast_changes_${op}" AFTER ${op.toUpperCase()} ON "${table}"
REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION "${functionName(table)}"();`;
}

/** The SQL that stops publishing `table`'s changes (its stream and events stay). */
export function unwatchTable(table: string): string {
  assertTable(table);
  const triggers = ["roomcast_changes", ...OPERATIONS.map((op) => `roomcast_changes_${op}`)];
  return `${triggers.map((name) => `DROP TRIGGER IF EXISTS "${name}" ON "${table}";`).join("\n")}
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
