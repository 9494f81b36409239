/**
 * The migrator against a fresh PostgreSQL database and a fresh PGlite folder: the first
 * run applies every migration through Prisma's schema engine and records it in
 * `_prisma_migrations`; a second run applies nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../testing";
import { migrate } from "./migrate";
import { readMigrationList } from "./migration-list";
import { MIGRATIONS_DIR, SCHEMA_PATH } from "../paths";

// Jest applies `testTimeout` globally, not per project: set this file's own.
jest.setTimeout(60_000);

const expected = readMigrationList(MIGRATIONS_DIR).migrationDirectories.map((d) => d.path);

describe("migrate on PostgreSQL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await database.drop();
  });

  it("applies every migration on a fresh database, then nothing", async () => {
    await expect(migrate({ databaseUrl: database.url })).resolves.toEqual({ applied: expected });
    await expect(migrate({ databaseUrl: database.url })).resolves.toEqual({ applied: [] });

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const tables = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
      // Every model of prisma/schema.prisma has its table, and nothing else is there.
      const schema = readFileSync(SCHEMA_PATH, "utf8");
      const modelTables = [...schema.matchAll(/^model \w+ \{[^}]*@@map\("([a-z_]+)"\)/gm)].map((m) => m[1]);
      expect(tables.rows.map((r) => r.tablename)).toEqual(["_prisma_migrations", ...modelTables].sort());
      const history = await client.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
        "SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
      );
      expect(history.rows.map((r) => r.migration_name)).toEqual(expected);
      for (const row of history.rows) {
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.rolled_back_at).toBeNull();
      }
      // The hand-written invariants of the first migration are in force.
      await expect(
        client.query("INSERT INTO streams (id, tenant_id, partition_key, last_offset) VALUES ('a:chat', 'a', -1, 0)"),
      ).rejects.toThrow(/streams_partition_key_check/);
    } finally {
      await client.end();
    }
  });

  it("lets two migrators race on one database without failing", async () => {
    const fresh = await createTestDatabase({ migrate: false });
    try {
      const results = await Promise.all([migrate({ databaseUrl: fresh.url }), migrate({ databaseUrl: fresh.url })]);
      expect(results.map((r) => r.applied).sort((a, b) => a.length - b.length)).toEqual([[], expected]);
    } finally {
      await fresh.drop();
    }
  });

  it("fails loudly when the database cannot be reached", async () => {
    await expect(migrate({ databaseUrl: "postgres://postgres@127.0.0.1:1/none" }, { timeoutMs: 30_000 })).rejects.toThrow(/migrator exited with code 1/);
  });
});

describe("migrate on PGlite", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "roomcast-pglite-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The schema's use on PGlite is exercised by pglite.int.test.ts (in a child process:
  // PGlite cannot load inside Jest's VM without --experimental-vm-modules).
  it("applies every migration to a new data folder, then nothing", async () => {
    const dataDir = path.join(dir, "data");
    await expect(migrate({ pgliteDir: dataDir })).resolves.toEqual({ applied: expected });
    await expect(migrate({ pgliteDir: dataDir })).resolves.toEqual({ applied: [] });
  });
});
