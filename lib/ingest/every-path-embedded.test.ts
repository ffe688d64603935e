/**
 * Issue 10's property on the embedded database (PGlite): generated corpora through any mix of
 * import, the ingest API and push store exactly what `trh analyze` computes
 * (lib/testing/every-path.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, it, vi } from "vitest";
import { closeDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { checkEveryPathEqualsAnalyze } from "@/lib/testing/every-path";
import { createTestTeam } from "@/lib/testing/fixtures";

const dataDir = mkdtempSync(path.join(tmpdir(), "trh-every-path-embedded-"));

beforeAll(async () => {
  await closeDb();
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("TRH_DATA_DIR", dataDir);
  await applyMigrations();
});

afterAll(async () => {
  await closeDb();
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("every way in stores what trh analyze computes (embedded database)", () => {
  it("for generated corpora, any grouping, order and mix of paths", async () => {
    await checkEveryPathEqualsAnalyze(() => createTestTeam("paths"), 6);
  }, 300_000);
});
