/** tenant_limits (migration 20261201071658_tenant_limits) read through dbQuotaOverrides, on PostgreSQL. */
import { createDb, type Db } from "@roomcast/db";
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { createTenantLimits, dbQuotaOverrides } from "./tenant-limits";

describe("tenant limits from the database", () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = await createDb({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it("applies a tenant's row over the defaults and refuses a non-positive limit", async () => {
    await db.prisma.$executeRaw`INSERT INTO tenant_limits (tenant_id, max_connections, events_per_second) VALUES ('acme', 2, NULL)`;
    const limits = createTenantLimits({ defaults: { maxConnections: 100, eventsPerSecond: 50, socketEvents: 10 }, load: dbQuotaOverrides(db) });
    expect(await limits.of("acme")).toEqual({ maxConnections: 2, eventsPerSecond: 50, socketEvents: 10 });
    expect(await limits.of("globex")).toEqual({ maxConnections: 100, eventsPerSecond: 50, socketEvents: 10 });
    await expect(db.prisma.$executeRaw`INSERT INTO tenant_limits (tenant_id, socket_events) VALUES ('bad', 0)`).rejects.toThrow(/tenant_limits_positive/);
  });
});
