/**
 * Applies prisma/migrations to the configured database: on `npm start`, before a CLI command that
 * writes, and in test setup. Uses Prisma's own engine (wasm) so the `_prisma_migrations` table is
 * the one Prisma tooling expects.
 */

import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { databaseUrl, EMBEDDED_SETTINGS, pgliteDir } from "./config";
import { noFilters, openSchemaEngine, readMigrationList } from "./schema-engine";

/** adapter-pg given a connection string lets the engine's shadow database replace the main one; pass the parts instead. */
function pgConfigFromUrl(url: string) {
  const parsed = new URL(url);
  return {
    host: decodeURIComponent(parsed.hostname),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || undefined,
    password: decodeURIComponent(parsed.password) || undefined,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || undefined,
    max: 1,
  };
}

type Query = (sql: string) => Promise<{ rows: unknown[] }>;

/** Migrations Prisma's table records as finished; empty when the table does not exist yet. */
async function appliedMigrationNames(query: Query): Promise<Set<string>> {
  try {
    const { rows } = await query(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return new Set((rows as { migration_name: string }[]).map((row) => row.migration_name));
  } catch {
    return new Set();
  }
}

/** Applies every migration not yet applied; returns their names. */
export async function applyMigrations(url: string | undefined = databaseUrl()): Promise<string[]> {
  if (!url) mkdirSync(pgliteDir(), { recursive: true });
  // We own the pool and the PGlite instance so both are closed when we are done: the engine does
  // not close them, and an idle pool would keep the process alive.
  const pool = url ? new pg.Pool(pgConfigFromUrl(url)) : undefined;
  const pglite = url
    ? undefined
    : new PGlite(pgliteDir(), { startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] });
  const factory = pool ? new PrismaPg(pool) : new PrismaPGlite(pglite!);
  try {
    // Starting the engine costs a second or two; most starts have nothing to apply.
    const applied = await appliedMigrationNames(pool ? (sql) => pool.query(sql) : (sql) => pglite!.query(sql));
    const migrationsList = await readMigrationList();
    const wanted = migrationsList.migrationDirectories.map((dir) => dir.path);
    if (wanted.every((name) => applied.has(name))) return [];
    const engine = await openSchemaEngine(factory);
    try {
      const result = await engine.applyMigrations({ migrationsList, filters: noFilters });
      return result.appliedMigrationNames;
    } finally {
      engine.free();
    }
  } finally {
    await pool?.end();
    await pglite?.close();
  }
}
