import { createDb } from "../create-db";
import { MIGRATIONS_DIR } from "../paths";
import { createTestDatabase, type TestDatabase } from "../testing";
import { migrate } from "./migrate";
import { readMigrationList } from "./migration-list";
import { pendingMigrations } from "./pending-migrations";

describe("pendingMigrations", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  }, 60_000);
  afterAll(async () => {
    await database?.drop();
  });

  it("names every migration on an empty database and none once migrated", async () => {
    const all = readMigrationList(MIGRATIONS_DIR).migrationDirectories.map((m) => m.path);
    const db = await createDb({ databaseUrl: database.url });
    try {
      expect(await pendingMigrations(db.prisma)).toEqual(all);
      await migrate({ databaseUrl: database.url });
      expect(await pendingMigrations(db.prisma)).toEqual([]);
      // A migration recorded as started but never finished is pending again.
      const last = all.at(-1)!;
      await db.prisma.$executeRaw`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = ${last}`;
      expect(await pendingMigrations(db.prisma)).toEqual([last]);
    } finally {
      await db.close();
    }
  }, 120_000);
});
