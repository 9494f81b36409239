/**
 * Where the schema and its migrations live. They sit at the repository root (prisma/),
 * beside this package, so `prisma migrate deploy` also finds them where the native
 * schema engine is available.
 */
import path from "node:path";

/**
 * packages/db itself, found by its package name rather than `__dirname`: compiled, this
 * module is inlined into an app's bundle (npm run build), whose folder is elsewhere.
 */
export const DB_PACKAGE_DIR = path.dirname(require.resolve("@roomcast/db/package.json"));
export const PRISMA_DIR = path.resolve(DB_PACKAGE_DIR, "../../prisma");
export const SCHEMA_PATH = path.join(PRISMA_DIR, "schema.prisma");
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");
