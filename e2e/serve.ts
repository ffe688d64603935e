/**
 * The browser tests' server: a fresh database (a new one on the local Postgres server, or a new
 * embedded data directory), the admin and teams the tests use (seed.ts), then `npm start`'s own
 * script.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { databaseUrlOn, onServer, postgresServerUrl } from "@/lib/testing/postgres-server";
import { e2eAdmin } from "./credentials";

const env: NodeJS.ProcessEnv = {
  ...process.env,
  TRH_TEAM: e2eAdmin.team,
  TRH_ADMIN_EMAIL: e2eAdmin.email,
  TRH_ADMIN_PASSWORD: e2eAdmin.password,
};
env.TRH_DATA_DIR = mkdtempSync(path.join(tmpdir(), "trh-e2e-"));
// e2e/abuse-auth.spec.ts plays a reverse proxy from this loopback address (and an attacker from
// 127.0.0.3); every other spec connects from 127.0.0.1 or ::1, whose forwarded headers are ignored.
env.TRH_TRUSTED_PROXIES = "127.0.0.2";
const database = process.env.E2E_DATABASE === "embedded" ? null : `trh_e2e_${Date.now()}`;

if (database === null) {
  env.DATABASE_URL = "";
} else {
  await onServer(`CREATE DATABASE ${database}`);
  env.DATABASE_URL = databaseUrlOn(postgresServerUrl, database);
}

/** Leaves nothing behind: the test database and the data directory go with the server. */
async function cleanUp() {
  if (database !== null) await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
  rmSync(env.TRH_DATA_DIR!, { recursive: true, force: true });
}

const seeded = spawnSync(process.execPath, ["node_modules/.bin/tsx", "e2e/seed.ts"], { stdio: "inherit", env });
if (seeded.status !== 0) process.exit(seeded.status ?? 1);

const child = spawn(process.execPath, ["node_modules/.bin/tsx", "scripts/start.ts"], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => {
  void cleanUp().finally(() => process.exit(code ?? 0));
});
