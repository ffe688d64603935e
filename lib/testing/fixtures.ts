/** Test data built through the same functions the app uses (no hand-inserted rows). */
import { randomBytes } from "node:crypto";
import { createApiKey } from "@/lib/admin/api-keys";
import { addMember, ensureTeam } from "@/lib/admin/members";
import type { Scope } from "@/lib/auth/scope";
import type { Role } from "@/lib/generated/prisma/enums";

export function uniqueSlug(prefix = "team"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export interface TestTeam {
  teamId: string;
  slug: string;
  adminUserId: string;
  readKey: string;
  ingestKey: string;
}

export async function createTestTeam(prefix = "team"): Promise<TestTeam> {
  const team = await ensureTeam(uniqueSlug(prefix));
  const { userId } = await addMember(team.id, {
    email: `admin@${team.slug}.example.com`,
    password: "correct horse battery",
    role: "ADMIN",
  });
  const { key: readKey } = await createApiKey({ teamId: team.id }, { name: "read", scope: "read" });
  const { key: ingestKey } = await createApiKey({ teamId: team.id }, { name: "ingest", scope: "ingest" });
  return { teamId: team.id, slug: team.slug, adminUserId: userId, readKey, ingestKey };
}

export function userScope(team: TestTeam, role: Role = "ADMIN", userId = team.adminUserId): Scope {
  return {
    teamId: team.teamId,
    teamSlug: team.slug,
    teamName: team.slug,
    actor: { kind: "user", userId, email: "x@example.com", role },
  };
}
