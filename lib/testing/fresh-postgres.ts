/**
 * Runs a test file on a Postgres database of its own (not the run's shared one): for checks that
 * depend on every team in the database. Registers hooks that create it, point the client at it and
 * apply the migrations before the file's tests, and close and drop it after. Call at the top of the
 * file, before the file's own beforeAll hooks.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, vi } from "vitest";
import { closeDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { databaseUrlOn, onServer, postgresServerUrl } from "./postgres-server";

export function withFreshPostgresDatabase(name: string): void {
  const database = `trh_${name}_${Date.now()}_${randomBytes(3).toString("hex")}`;
  beforeAll(async () => {
    await onServer(`CREATE DATABASE ${database}`);
    await closeDb();
    vi.stubEnv("DATABASE_URL", databaseUrlOn(postgresServerUrl, database));
    await applyMigrations();
  });
  afterAll(async () => {
    await closeDb();
    vi.unstubAllEnvs();
    await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });
}
