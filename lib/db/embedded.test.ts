/**
 * The embedded path (no DATABASE_URL): migrations apply to a PGlite data directory, first start
 * creates the first team and admin, health says "embedded", and the lock keeps a second process
 * out while the first holds the directory.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bootstrapFirstAdmin } from "@/lib/admin/members";
import { closeDb, db } from "./client";
import { acquireEmbeddedLock } from "./embedded-lock";
import { databaseHealth } from "./health";
import { applyMigrations } from "./migrate";
import { readMigrationList } from "./schema-engine";

const dataDir = mkdtempSync(path.join(tmpdir(), "trh-embedded-"));

beforeAll(async () => {
  await closeDb();
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("TRH_DATA_DIR", dataDir);
});

afterAll(async () => {
  await closeDb();
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("embedded database", () => {
  it("applies the migrations once", async () => {
    const folders = (await readMigrationList()).migrationDirectories.map((dir) => dir.path);
    expect(await applyMigrations()).toEqual(folders);
    expect(await applyMigrations()).toEqual([]);
  });

  it("creates the first team and admin on first start only, with a generated password", async () => {
    const first = await bootstrapFirstAdmin({ TRH_TEAM: "acme", TRH_ADMIN_EMAIL: "Boss@Example.com" });
    expect(first).toMatchObject({ team: "acme", email: "Boss@Example.com" });
    expect(first?.generatedPassword).toMatch(/^[\w-]{16}$/);
    expect(await bootstrapFirstAdmin({})).toBeNull();
    const membership = await db().membership.findFirstOrThrow({ include: { user: true, team: true } });
    expect(membership).toMatchObject({ role: "ADMIN", user: { email: "boss@example.com" }, team: { slug: "acme" } });
  });

  it("answers health as embedded", async () => {
    expect(await databaseHealth()).toEqual({ status: "ok", database: "embedded" });
  });

  it("refuses a CLI command while another process holds the directory", async () => {
    const release = acquireEmbeddedLock();
    try {
      const cli = spawnSync(process.execPath, ["bin/trh.mjs", "admin", "create-key", "--team", "acme", "--name", "x"], {
        env: { ...process.env, DATABASE_URL: "", TRH_DATA_DIR: dataDir },
        encoding: "utf8",
      });
      expect(cli.status).toBe(1);
      expect(cli.stderr.trim().split("\n")).toHaveLength(1);
      expect(cli.stderr).toMatch(/in use by the running server .*trh push/);
    } finally {
      release();
    }
  });
});
