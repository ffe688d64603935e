/**
 * Runs a test file on a fresh embedded database (PGlite) in a directory of its own: registers the
 * hooks that point the client at it and apply the migrations before the file's tests, and close
 * and remove it after. Call at the top of the file, before the file's own beforeAll hooks.
 * The database starts as a copy of the one `npm test` migrated once (global-setup.ts), so applying
 * the migrations finds nothing to do.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, vi } from "vitest";
import { closeDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";

export function withEmbeddedDatabase(name: string): void {
  const dataDir = mkdtempSync(path.join(tmpdir(), `trh-${name}-`));
  beforeAll(async () => {
    await closeDb();
    vi.stubEnv("DATABASE_URL", "");
    vi.stubEnv("TRH_DATA_DIR", dataDir);
    const template = process.env.TRH_TEST_EMBEDDED_TEMPLATE;
    if (template) cpSync(template, dataDir, { recursive: true });
    await applyMigrations();
  });
  afterAll(async () => {
    await closeDb();
    vi.unstubAllEnvs();
    rmSync(dataDir, { recursive: true, force: true });
  });
}
