/**
 * Where the data lives: a Postgres server when DATABASE_URL is set, otherwise the embedded PGlite
 * database in TRH_DATA_DIR (default ./.data). Read in one place so the server, the CLI and the
 * tests agree.
 */
import path from "node:path";

export type DatabaseKind = "embedded" | "postgres";

export function databaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL?.trim();
  return url ? url : undefined;
}

/**
 * A streaming replica of DATABASE_URL for dashboards and read APIs (readDb in client.ts); unset:
 * they read the primary. The embedded database has no replicas, so it needs DATABASE_URL.
 */
export function databaseReadUrl(): string | undefined {
  const url = process.env.DATABASE_READ_URL?.trim();
  if (!url) return undefined;
  if (!databaseUrl())
    throw new Error("DATABASE_READ_URL is set without DATABASE_URL: a read replica needs its primary");
  return url;
}

export function databaseKind(): DatabaseKind {
  return databaseUrl() ? "postgres" : "embedded";
}

/** The data directory: the embedded database, the generated AUTH_SECRET and the server lock. */
export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.TRH_DATA_DIR?.trim() || ".data");
}

/**
 * Postgres settings the embedded database starts with, after PGlite's own start parameters.
 * shared_buffers: PGlite keeps Postgres' 128 MB, which lives in the process's WebAssembly memory,
 * where a page once touched stays resident: a `trh import` of the bench corpus filled it (peak RSS
 * ~470 MB); 32 MB brought that to ~370 MB for the same CPU (bench/README.md, issue 21). Pages
 * beyond it are read back through the OS's page cache.
 */
export const EMBEDDED_SETTINGS = ["-c", "shared_buffers=32MB"];

export function pgliteDir(): string {
  return path.join(dataDir(), "pglite");
}
