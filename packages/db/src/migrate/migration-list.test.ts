import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MIGRATIONS_DIR } from "../paths";
import { MIGRATION_NAME_PATTERN, migrationFolderName, readMigrationList } from "./migration-list";

describe("readMigrationList", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "roomcast-migrations-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lists migration folders in name order with their scripts and the lock file", () => {
    for (const name of ["20250102000000_second", "20250101000000_first"]) {
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, "migration.sql"), `-- ${name}`);
    }
    writeFileSync(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
    const list = readMigrationList(dir);
    expect(list.baseDir).toBe(dir);
    expect(list.lockfile).toEqual({ path: "migration_lock.toml", content: 'provider = "postgresql"\n' });
    expect(list.migrationDirectories.map((d) => d.path)).toEqual(["20250101000000_first", "20250102000000_second"]);
    expect(list.migrationDirectories[0]?.migrationFile).toEqual({
      path: "migration.sql",
      content: { tag: "ok", value: "-- 20250101000000_first" },
    });
  });

  it("reports a folder without a script instead of skipping it", () => {
    mkdirSync(path.join(dir, "20250101000000_empty"));
    expect(readMigrationList(dir).migrationDirectories[0]?.migrationFile.content.tag).toBe("error");
  });

  it("reads the repository's migrations, all well named", () => {
    const list = readMigrationList(MIGRATIONS_DIR);
    expect(list.lockfile.content).toContain('provider = "postgresql"');
    expect(list.migrationDirectories.length).toBeGreaterThan(0);
    for (const migration of list.migrationDirectories) {
      expect(migration.path).toMatch(MIGRATION_NAME_PATTERN);
      expect(migration.migrationFile.content.tag).toBe("ok");
    }
  });
});

describe("migrationFolderName", () => {
  it("prefixes a UTC timestamp and snake-cases the name", () => {
    expect(migrationFolderName("Add chat sessions!", new Date("2025-03-04T05:06:07Z"))).toBe("20250304050607_add_chat_sessions");
    expect(() => migrationFolderName("  --- ", new Date())).toThrow(RangeError);
  });
});
