/**
 * The `changes` channel: row changes of watched tables (@roomcast/db `watchTable`), one
 * stream per tenant and table, `<tenant>:changes:<table>`. Each event is
 * `{ type: "insert" | "update" | "delete", data: { new, old } }`, `new`/`old` being the
 * row's watched columns (null for the side that does not exist), `source: "db:<table>"`.
 *
 * `where` (a subscription filter, equality on a few columns) keeps the events in which the
 * new row or the old row has every listed value — so a list filtered on `status` sees a
 * row arrive (its new row matches) and leave (its old row matched).
 *
 * `changeRows(data)` reads the values `where` can match: per row, the scalar columns
 * (string of at most WHERE_VALUE_MAX_LENGTH characters, number, boolean, null), at most
 * CHANGE_ROW_MAX_FIELDS of them. The emitter puts them in the event's broadcast tag, so the
 * receiving node matches `where` without the packet's data; a replay reads them from the
 * envelope with the same function, so live and replay agree on every event.
 */
import { z } from "zod";

export const CHANGE_TYPES = ["insert", "update", "delete"] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** Table and column names a watch and a `where` accept: lower-case SQL identifiers. */
export const COLUMN_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
export const WHERE_MAX_KEYS = 4;
export const WHERE_VALUE_MAX_LENGTH = 128;
/** Most columns of one row carried in an event's tag (and most columns a table may watch). */
export const CHANGE_ROW_MAX_FIELDS = 32;

export type WhereValue = string | number | boolean | null;
export type ChangeRow = Readonly<Record<string, WhereValue>>;

export const whereSchema = z
  .record(
    z.string().regex(COLUMN_NAME_PATTERN, "column names match [a-z_][a-z0-9_]{0,62}"),
    z.union([z.string().max(WHERE_VALUE_MAX_LENGTH), z.number(), z.boolean(), z.null()]),
  )
  .refine((where) => {
    const keys = Object.keys(where).length;
    return keys >= 1 && keys <= WHERE_MAX_KEYS;
  }, `where takes 1 to ${WHERE_MAX_KEYS} columns`);

/** The matchable values of a change event's `{ new, old }` (rows that exist only). */
export function changeRows(data: unknown): ChangeRow[] {
  if (typeof data !== "object" || data === null) return [];
  const { new: next, old } = data as { new?: unknown; old?: unknown };
  const rows: ChangeRow[] = [];
  for (const row of [next, old]) {
    const values = scalarFields(row);
    if (values !== undefined) rows.push(values);
  }
  return rows;
}

/** Whether some row has every value of `where`. */
export function matchesWhere(where: Readonly<Record<string, WhereValue>>, rows: readonly ChangeRow[]): boolean {
  const keys = Object.keys(where);
  return rows.some((row) => keys.every((key) => Object.hasOwn(row, key) && row[key] === where[key]));
}

function scalarFields(row: unknown): ChangeRow | undefined {
  if (typeof row !== "object" || row === null || Array.isArray(row)) return undefined;
  const values: Record<string, WhereValue> = {};
  let fields = 0;
  for (const [key, value] of Object.entries(row)) {
    if (fields === CHANGE_ROW_MAX_FIELDS) break;
    if (!isMatchable(value)) continue;
    values[key] = value;
    fields++;
  }
  return values;
}

function isMatchable(value: unknown): value is WhereValue {
  if (value === null || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  return typeof value === "string" && value.length <= WHERE_VALUE_MAX_LENGTH;
}
