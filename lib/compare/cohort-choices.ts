/** What the Compare workflows page offers to pick cohorts from, written as cohort specs. */
import { maySeeEveryonesSpend } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { filterChoices } from "@/lib/queries/filter-choices";
import { dayAfter, dayStart } from "@/lib/queries/params";
import { escapeCohortValue } from "./cohort-spec";

export interface CohortChoices {
  /** Specs such as "model:claude-opus-4-6", "source:codex", "project:web". */
  specs: string[];
  /** The models with the most runs started in the range, most first: the page's default pair. */
  topModels: string[];
}

export async function cohortChoices(scope: Scope, range: { from: string; to: string }): Promise<CohortChoices> {
  const from = dayStart(range.from);
  const toExclusive = dayAfter(range.to);
  const [choices, sources, topModels] = await Promise.all([
    filterChoices(scope),
    db().$queryRaw<
      { source: string }[]
    >`SELECT DISTINCT source FROM "Run" WHERE "teamId" = ${scope.teamId}::uuid ORDER BY 1`,
    // A run's first model by name is enough to rank the suggestions; the comparison uses its main model.
    db().$queryRaw<{ model: string }[]>`
      SELECT r.models[1] AS model FROM "Run" r
      WHERE r."teamId" = ${scope.teamId}::uuid AND r."startedAt" >= ${from} AND r."startedAt" < ${toExclusive} AND cardinality(r.models) > 0
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2`,
  ]);
  const spec = (key: string, values: string[]) => values.map((value) => `${key}:${escapeCohortValue(value)}`);
  return {
    specs: [
      ...spec("model", choices.models),
      ...spec(
        "source",
        sources.map((s) => s.source),
      ),
      ...spec("project", choices.projects),
      ...(maySeeEveryonesSpend(scope) ? spec("owner", choices.owners) : []),
    ],
    topModels: topModels.map((m) => m.model),
  };
}
