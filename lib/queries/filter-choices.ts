/** The owners, projects, models and agents a team's filters offer, named as the spend and runs APIs accept them. */
import { db } from "@/lib/db/client";
import type { Scope } from "@/lib/auth/scope";

export interface FilterChoices {
  owners: string[];
  projects: string[];
  models: string[];
  /** Run sources with spend (claude-code, codex, opencode, ...). */
  agents: string[];
}

export async function filterChoices(scope: Scope): Promise<FilterChoices> {
  const [owners, projects, models, agents] = await Promise.all([
    db().$queryRaw<{ name: string }[]>`
      SELECT DISTINCT coalesce(email, "displayName") AS name FROM "Person" WHERE "teamId" = ${scope.teamId}::uuid ORDER BY 1`,
    db().$queryRaw<{ name: string }[]>`SELECT name FROM "Project" WHERE "teamId" = ${scope.teamId}::uuid ORDER BY 1`,
    // Models come from the rollup (a few rows per day), not from the calls.
    db().$queryRaw<{ name: string }[]>`SELECT DISTINCT model AS name FROM "DailySpend" WHERE "teamId" = ${scope.teamId}::uuid ORDER BY 1`,
    db().$queryRaw<{ name: string }[]>`SELECT DISTINCT source AS name FROM "DailySpend" WHERE "teamId" = ${scope.teamId}::uuid ORDER BY 1`,
  ]);
  return { owners: [...owners.map((o) => o.name), "unallocated"], projects: [...projects.map((p) => p.name), "unallocated"], models: models.map((m) => m.name), agents: agents.map((a) => a.name) };
}
