/**
 * `ensureDatabase(url)`: makes sure the database a URL names exists on its server,
 * creating it (connected to the server's `postgres` database) when it does not. Never
 * drops or alters anything. Rejects with the server's message when the server is down or
 * the role may not create databases.
 */
import pg from "pg";

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/roomcast";

export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean; name: string }> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (name === "") throw new Error(`DATABASE_URL names no database: ${url.host}`);
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = "/postgres";
  const client = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount !== null && rowCount > 0) return { created: false, name };
    // Identifiers cannot be bound as parameters; quote it (doubling any quote inside).
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return { created: true, name };
  } catch (error) {
    // Two runners starting at once: the loser sees the database the winner created.
    if (error instanceof Error && "code" in error && error.code === "42P04") return { created: false, name };
    throw error;
  } finally {
    await client.end();
  }
}
