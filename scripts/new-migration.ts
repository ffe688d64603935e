/**
 * `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with
 * the SQL that takes the existing migrations to prisma/schema.prisma. Prisma's `migrate dev` needs
 * a native engine we cannot download; the wasm engine's diff, run against a throwaway in-memory
 * PGlite, gives the same SQL. Call and ToolCall are partitioned by month in hand-written migration
 * SQL (Prisma does not model partitions): the engine reads a partitioned table as a table and ignores
 * its partitions, so the diff stays empty (lib/db/partitions-migration-diff.test.ts checks it).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { migrationsDir, noFilters, openSchemaEngine, readMigrationList, schemaPath } from "@/lib/db/schema-engine";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name in snake_case>");
  process.exit(2);
}

await mkdir(migrationsDir, { recursive: true });
const pglite = new PGlite();
const engine = await openSchemaEngine(new PrismaPGlite(pglite));
const migrations = await readMigrationList();
const { stdout } = await engine.diff({
  from: migrations.migrationDirectories.length > 0 ? { tag: "migrations", ...migrations } : { tag: "empty" },
  to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }] },
  script: true,
  exitCode: null,
  filters: noFilters,
});
engine.free();
await pglite.close();

if (!stdout || stdout.includes("This is an empty migration")) {
  console.log("schema.prisma matches the migrations: nothing to write");
} else {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const folder = path.join(migrationsDir, `${stamp}_${name}`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, "migration.sql"), stdout);
  await writeFile(path.join(migrationsDir, "migration_lock.toml"), 'provider = "postgresql"\n');
  console.log(`wrote ${path.relative(process.cwd(), folder)}/migration.sql`);
}
