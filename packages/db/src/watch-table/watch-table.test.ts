import { watchMigration } from "./watch-table-cli";
import { unwatchTable, watchTable } from "./watch-table";

const at = new Date("2026-12-01T08:00:00Z");

describe("watchTable", () => {
  it("builds the row trigger with the listed columns, for new and old rows", () => {
    const sql = watchTable("documents", { tenantColumn: "tenant_id", columns: ["id", "status"] });
    expect(sql).toContain(`new_row := jsonb_build_object('id', NEW."id", 'status', NEW."status");`);
    expect(sql).toContain(`old_row := jsonb_build_object('id', OLD."id", 'status', OLD."status");`);
    expect(sql).toContain(`AFTER INSERT OR UPDATE OR DELETE ON "documents"\nFOR EACH ROW EXECUTE FUNCTION "roomcast_changes_documents"();`);
    expect(sql).toContain(`roomcast_publish_change(CASE WHEN TG_OP = 'DELETE' THEN OLD."tenant_id" ELSE NEW."tenant_id" END, 'documents'`);
  });

  it.each([
    ["a table name that is not an identifier", "Documents; DROP TABLE x", { tenantColumn: "tenant_id", columns: ["id"] }],
    ["a column that is not an identifier", "documents", { tenantColumn: "tenant_id", columns: ['id", NEW."x'] }],
    ["a tenant column that is not an identifier", "documents", { tenantColumn: "", columns: ["id"] }],
    ["no column", "documents", { tenantColumn: "tenant_id", columns: [] }],
    ["33 columns", "documents", { tenantColumn: "tenant_id", columns: Array.from({ length: 33 }, (_, i) => `c${i}`) }],
    ["a column twice", "documents", { tenantColumn: "tenant_id", columns: ["id", "id"] }],
    ["a table name too long for its function's name", "t".repeat(47), { tenantColumn: "tenant_id", columns: ["id"] }],
  ])("refuses %s", (_what, table, options) => {
    expect(() => watchTable(table, options)).toThrow(RangeError);
  });

  it("unwatches by dropping the trigger and its function", () => {
    expect(unwatchTable("documents")).toBe(`DROP TRIGGER IF EXISTS "roomcast_changes" ON "documents";\nDROP FUNCTION IF EXISTS "roomcast_changes_documents"();\n`);
  });
});

describe("db:watch-table arguments", () => {
  it("names the migration after the table", () => {
    const watch = watchMigration(["documents", "--tenant-column", "tenant_id", "--columns", "id, name"], at);
    expect(watch.folder).toBe("20261201080000_watch_documents");
    expect(watch.sql).toBe(watchTable("documents", { tenantColumn: "tenant_id", columns: ["id", "name"] }));
    expect(watchMigration(["documents", "--unwatch"], at)).toEqual({ folder: "20261201080000_unwatch_documents", sql: unwatchTable("documents") });
  });

  it.each([[[]], [["documents"]], [["documents", "--columns", "id"]], [["--columns", "id"]], [["documents", "--tenant-column", "--columns", "id"]], [["documents", "--unwatch", "x"]]])(
    "refuses %j with the usage",
    (args) => {
      expect(() => watchMigration(args, at)).toThrow(/usage: db:watch-table/);
    },
  );
});
