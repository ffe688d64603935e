// Prisma CLI configuration. Only `prisma generate` is used from the CLI (migrations go through the
// wasm schema engine, see lib/db/schema-engine.ts), so no datasource URL is needed here.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
});
