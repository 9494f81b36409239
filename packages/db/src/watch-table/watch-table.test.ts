import { watchMigration } from "./watch-table-cli";
import { unwatchTable, watchTable } from "./watch-table";

const at = new Date("2026-12-01T08:00:00Z");

describe("watchTable", () => {
  it("builds statement triggers over transition tables with the listed columns, pairing updates by key", () => {
    const sql = watchTable("documents", { tenantColumn: "tenant_id", columns: ["id", "status"] });
    expect(sql).toContain(`jsonb_build_object('id', n."id", 'status', n."status")`);
    expect(sql).toContain(`jsonb_build_object('id', o."id", 'status', o."status")`);
    expect(sql).toContain(`FROM old_rows o FULL JOIN new_rows n ON n."id" = o."id"`);
    for (const [op, referencing] of [["INSERT", "NEW TABLE AS new_rows"], ["UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"], ["DELETE", "OLD TABLE AS old_rows"]]) {
      expect(sql).toContain(`AFTER ${op} ON "documents"\nREFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION "roomcast_changes_documents"();`);
    }
    expect(sql).toContain(`DROP TRIGGER IF EXISTS "roomcast_changes" ON "documents";`);
    expect(watchTable("documents", { tenantColumn: "tenant_id", columns: ["status"], keyColumn: "doc_id" })).toContain(`ON n."doc_id" = o."doc_id"`);
  });

  it.each([
    ["a table name that is not an identifier", "Documents; DROP TABLE x", { tenantColumn: "tenant_id", columns: ["id"] }],
    ["a column that is not an identifier", "documents", { tenantColumn: "tenant_id", columns: ['id", NEW."x'] }],
    ["a tenant column that is not an identifier", "documents", { tenantColumn: "", columns: ["id"] }],
    ["no column", "documents", { tenantColumn: "tenant_id", columns: [] }],
    ["33 columns", "documents", { tenantColumn: "tenant_id", columns: Array.from({ length: 33 }, (_, i) => `c${i}`) }],
    ["a column twice", "documents", { tenantColumn: "tenant_id", columns: ["id", "id"] }],
    ["a key column that is not an identifier", "documents", { tenantColumn: "tenant_id", columns: ["id"], keyColumn: "id; --" }],
    ["a table name too long for its function's name", "t".repeat(47), { tenantColumn: "tenant_id", columns: ["id"] }],
  ])("refuses %s", (_what, table, options) => {
    expect(() => watchTable(table, options)).toThrow(RangeError);
  });

  it("unwatches by dropping the trigger and its function", () => {
    const sql = unwatchTable("documents");
    for (const name of ["roomcast_changes", "roomcast_changes_insert", "roomcast_changes_update", "roomcast_changes_delete"]) {
      expect(sql).toContain(`DROP TRIGGER IF EXISTS "${name}" ON "documents";`);
    }
    expect(sql).toContain(`DROP FUNCTION IF EXISTS "roomcast_changes_documents"();`);
  });
});

describe("db:watch-table arguments", () => {
  it("names the migration after the table", () => {
    const watch = watchMigration(["documents", "--tenant-column", "tenant_id", "--columns", "id, name"], at);
    expect(watch.folder).toBe("20261201080000_watch_documents");
    expect(watch.sql).toBe(watchTable("documents", { tenantColumn: "tenant_id", columns: ["id", "name"] }));
    expect(watchMigration(["documents", "--tenant-column", "tenant_id", "--columns", "id", "--key-column", "doc_id"], at).sql).toBe(
      watchTable("documents", { tenantColumn: "tenant_id", columns: ["id"], keyColumn: "doc_id" }),
    );
    expect(watchMigration(["documents", "--unwatch"], at)).toEqual({ folder: "20261201080000_unwatch_documents", sql: unwatchTable("documents") });
  });

  it.each([[[]], [["documents"]], [["documents", "--columns", "id"]], [["--columns", "id"]], [["documents", "--tenant-column", "--columns", "id"]], [["documents", "--unwatch", "x"]], [["documents", "--tenant-column", "t", "--columns", "id", "--key-column"]]])(
    "refuses %j with the usage",
    (args) => {
      expect(() => watchMigration(args, at)).toThrow(/usage: db:watch-table/);
    },
  );
});
