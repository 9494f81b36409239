/**
 * `createTestDatabase()`: a fresh, migrated PostgreSQL database for one test file, so runs
 * never see each other's data. Created on the server of ROOMCAST_TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres), named
 * `roomcast_test_<epoch ms>_<random>`; `drop()` terminates its connections and drops it.
 * Databases of this naming left behind by a killed run are dropped once they are six
 * hours old, by the next call.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "../migrate/migrate";

export const DEFAULT_TEST_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const PREFIX = "roomcast_test_";
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Any database URL on the server to use (default: env ROOMCAST_TEST_DATABASE_URL or DEFAULT_TEST_SERVER_URL). */
  serverUrl?: string;
  /** Apply prisma/migrations (default true). */
  migrate?: boolean;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = options.serverUrl ?? process.env.ROOMCAST_TEST_DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
  const name = `${PREFIX}${Date.now()}_${randomBytes(4).toString("hex")}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;

  await withClient(serverUrl, async (client) => {
    await dropStale(client);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const database: TestDatabase = {
    name,
    url: url.toString(),
    drop: () => withClient(serverUrl, (client) => dropDatabase(client, name)),
  };
  if (options.migrate !== false) {
    try {
      await migrate({ databaseUrl: database.url });
    } catch (error) {
      await database.drop();
      throw error;
    }
  }
  return database;
}

async function withClient(url: string, run: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  // FORCE (PostgreSQL 13+) terminates the database's connections first.
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

async function dropStale(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${PREFIX}%`]);
  for (const { datname } of rows) {
    const created = Number(/^roomcast_test_(\d+)_/.exec(datname)?.[1]);
    if (Number.isFinite(created) && Date.now() - created > STALE_AFTER_MS) {
      await dropDatabase(client, datname).catch(() => undefined);
    }
  }
}
