/**
 * Once per `npm test`: a fresh database on the Postgres server (TEST_POSTGRES_URL, default the
 * local server), with the migrations applied, handed to every test through DATABASE_URL and
 * dropped afterwards; and an embedded database with the migrations applied, which each test file
 * of the embedded database copies (lib/testing/embedded-database.ts) instead of migrating its own
 * (~10-30 s each on a two-core machine).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyMigrations } from "@/lib/db/migrate";
import { databaseUrlOn, onServer, postgresServerUrl } from "./postgres-server";

export default async function setup() {
  const name = `trh_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  await onServer(`CREATE DATABASE ${name}`);
  const postgresUrl = databaseUrlOn(postgresServerUrl, name);
  const embeddedTemplate = mkdtempSync(path.join(tmpdir(), "trh-embedded-template-"));
  // applyMigrations opens the embedded database in TRH_DATA_DIR when given no URL.
  process.env.TRH_DATA_DIR = embeddedTemplate;
  await Promise.all([applyMigrations(postgresUrl), applyMigrations("")]);
  delete process.env.TRH_DATA_DIR;
  process.env.DATABASE_URL = postgresUrl;
  process.env.TRH_TEST_EMBEDDED_TEMPLATE = embeddedTemplate;
  return async () => {
    await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    rmSync(embeddedTemplate, { recursive: true, force: true });
  };
}
