/** Discovery at ingest on the embedded database (PGlite): the same corpus, the same findings. */
import { beforeAll, describe, it } from "vitest";
import { addMember, ensureTeam } from "@/lib/admin/members";
import type { Scope } from "@/lib/auth/scope";
import { withEmbeddedDatabase } from "@/lib/testing/embedded-database";
import { expectDiscoveredCorpus, ingestMultiMachine } from "@/lib/testing/multi-machine";

withEmbeddedDatabase("embedded-discovery");
let scope: Scope;

beforeAll(async () => {
  const team = await ensureTeam("embedded");
  const { userId } = await addMember(team.id, {
    email: "admin@embedded.example.com",
    password: "correct horse battery",
    role: "ADMIN",
  });
  scope = {
    teamId: team.id,
    teamSlug: team.slug,
    teamName: team.name,
    actor: { kind: "user", userId, email: "admin@embedded.example.com", role: "ADMIN" },
  };
});

describe("discovery on the embedded database", () => {
  it("names owners, projects and tasks from the data alone, and the rollups add up", async () => {
    await ingestMultiMachine(scope);
    await expectDiscoveredCorpus(scope);
  });
});
