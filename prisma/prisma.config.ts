// Prisma CLI configuration (`--config prisma/prisma.config.ts`). Roomcast applies
// migrations with `npm run db:migrate` (Prisma's Wasm schema engine); this file lets the
// stock CLI (`prisma migrate deploy`, `prisma migrate status`) work on the same folder
// wherever its native schema engine can be installed.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
});
