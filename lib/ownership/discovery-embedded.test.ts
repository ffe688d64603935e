/** Discovery at ingest on the embedded database (PGlite): the same corpus, the same findings. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, it, vi } from "vitest";
import { addMember, ensureTeam } from "@/lib/admin/members";
import type { Scope } from "@/lib/auth/scope";
import { closeDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { expectDiscoveredCorpus, ingestMultiMachine } from "@/lib/testing/multi-machine";

const dataDir = mkdtempSync(path.join(tmpdir(), "trh-embedded-discovery-"));
let scope: Scope;

beforeAll(async () => {
  await closeDb();
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("TRH_DATA_DIR", dataDir);
  await applyMigrations();
  const team = await ensureTeam("embedded");
  const { userId } = await addMember(team.id, { email: "admin@embedded.example.com", password: "correct horse battery", role: "ADMIN" });
  scope = { teamId: team.id, teamSlug: team.slug, teamName: team.name, actor: { kind: "user", userId, email: "admin@embedded.example.com", role: "ADMIN" } };
});

afterAll(async () => {
  await closeDb();
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("discovery on the embedded database", () => {
  it("names owners, projects and tasks from the data alone, and the rollups add up", async () => {
    await ingestMultiMachine(scope);
    await expectDiscoveredCorpus(scope);
  });
});
