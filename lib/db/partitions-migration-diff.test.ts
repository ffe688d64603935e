/**
 * Prisma does not model partitions: the migrations make Call and ToolCall partitioned by hand, and
 * the app attaches monthly partitions at run time. Neither may look like drift to the schema
 * engine, or `npm run db:migration` would write a migration that drops or rebuilds them.
 */
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { expect, it } from "vitest";
import { Prisma } from "@/lib/generated/prisma/client";
import type { SqlClient } from "./columns";
import { ensureMonthPartitions, partitionedMonths } from "./partitions";
import { migrationsDir, noFilters, openSchemaEngine, readMigrationList, schemaPath } from "./schema-engine";

it("a migrated database with monthly partitions diffs empty against schema.prisma", async () => {
  const pglite = new PGlite();
  const engine = await openSchemaEngine(new PrismaPGlite(pglite));
  try {
    await engine.applyMigrations({ migrationsList: await readMigrationList(), filters: noFilters });
    // The partition functions on this PGlite (the app's client is not built on it).
    const run = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]) => {
      const sql = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);
      return pglite.query(sql.text, sql.values);
    };
    const client: SqlClient = {
      $queryRaw: async <T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
        (await run(query, values)).rows as T,
      $executeRaw: async (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
        (await run(query, values)).affectedRows ?? 0,
    };
    await pglite.exec("BEGIN");
    await ensureMonthPartitions(client, [new Date("2025-12-31T23:00:00Z"), new Date("2026-11-30T12:00:00Z")]);
    await pglite.exec("COMMIT");
    expect(await partitionedMonths(client)).toEqual(["202512", "202611"]);
    const schema = { files: [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }] };
    const live = await engine.diff({
      from: { tag: "schemaDatasource", ...schema, configDir: migrationsDir },
      to: { tag: "schemaDatamodel", ...schema },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    expect(live.stdout).toContain("This is an empty migration");
  } finally {
    engine.free();
    await pglite.close();
  }
});
