/**
 * Where the schema and its migrations live. They sit at the repository root (prisma/),
 * beside this package, so `prisma migrate deploy` also finds them where the native
 * schema engine is available.
 */
import path from "node:path";

export const PRISMA_DIR = path.resolve(__dirname, "../../../prisma");
export const SCHEMA_PATH = path.join(PRISMA_DIR, "schema.prisma");
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");
