/**
 * Once per `npm test`: a fresh database on the Postgres server (TEST_POSTGRES_URL, default the
 * local server), with the migrations applied, handed to every test through DATABASE_URL and
 * dropped afterwards. Tests of the embedded database set their own TRH_DATA_DIR.
 */
import { randomBytes } from "node:crypto";
import { applyMigrations } from "@/lib/db/migrate";
import { databaseUrlOn, onServer, postgresServerUrl } from "./postgres-server";

export default async function setup() {
  const name = `trh_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  await onServer(`CREATE DATABASE ${name}`);
  process.env.DATABASE_URL = databaseUrlOn(postgresServerUrl, name);
  await applyMigrations(process.env.DATABASE_URL);
  return async () => {
    await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
}
