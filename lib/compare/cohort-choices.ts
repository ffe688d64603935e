/** What the Compare workflows page offers to pick cohorts from, written as cohort specs. */
import { maySeeEveryonesSpend } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { dayAfter, dayStart } from "@/lib/days";
import { readDb } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { filterChoices } from "@/lib/queries/filter-choices";
import { escapeCohortValue } from "./cohort-spec";
import { listSavedFilters } from "./saved-filters";

const Run = table("Run");
const c = table("RunContextPackage", "c");
const r = table("Run", "r");
const t = table("RunTag", "t");
const x = table("ToolCall", "x");

/** Tags and instruction-file versions offered, most runs first. */
const MAX_OFFERED = 50;
/** Hex characters of a version in the specs offered: enough to tell a team's versions apart. */
const VERSION_CHARS = 8;

export interface CohortChoice {
  /** A spec such as "model:claude-opus-4-6", "tag:team=platform", "filter:reviewed". */
  spec: string;
  /** What the spec stands for, when its text does not say (a version's first day, a filter's clauses). */
  note: string | null;
}

export interface CohortChoices {
  choices: CohortChoice[];
  /** The models with the most runs started in the range, most first: the page's default pair. */
  topModels: string[];
}

export async function cohortChoices(scope: Scope, range: { from: string; to: string }): Promise<CohortChoices> {
  const from = dayStart(range.from);
  const toExclusive = dayAfter(range.to);
  const [filters, sources, topModels, tags, versions, saved] = await Promise.all([
    filterChoices(scope),
    readDb().$queryRaw<
      { source: string }[]
    >`SELECT DISTINCT ${Run.source} FROM ${Run.$} WHERE ${Run.teamId} = ${scope.teamId}::uuid ORDER BY 1`,
    // A run's first model by name is enough to rank the suggestions; the comparison uses its main model.
    readDb().$queryRaw<{ model: string }[]>`
      SELECT ${r.models}[1] AS model FROM ${r.$}
      WHERE ${r.teamId} = ${scope.teamId}::uuid AND ${r.startedAt} >= ${from} AND ${r.startedAt} < ${toExclusive} AND cardinality(${r.models}) > 0
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2`,
    readDb().$queryRaw<{ key: string; value: string; runs: number }[]>`
      SELECT ${t.key}, ${t.value}, count(*)::int AS runs FROM ${t.$}
      JOIN ${r.$} ON ${r.teamId} = ${t.teamId} AND ${r.id} = ${t.runId}
      WHERE ${t.teamId} = ${scope.teamId}::uuid AND ${r.startedAt} >= ${from} AND ${r.startedAt} < ${toExclusive}
      GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT ${MAX_OFFERED}`,
    // Each instruction file's versions read in the range: its name and the start of the hash of what the read returned.
    readDb().$queryRaw<{ file: string; version: string; runs: number; first: string }[]>`
      SELECT reverse(split_part(reverse(f.used->>'path'), '/', 1)) AS file, left(${x.outputHash}, ${VERSION_CHARS}::int) AS version,
        count(DISTINCT ${c.runId})::int AS runs, to_char(min(${c.day}), 'YYYY-MM-DD') AS first
      FROM ${c.$}
        CROSS JOIN LATERAL jsonb_array_elements(${c.instructionFiles}) f(used)
        CROSS JOIN LATERAL jsonb_array_elements_text(f.used->'toolCallIds') tc(id)
        JOIN ${x.$} ON ${x.teamId} = ${c.teamId} AND ${x.id} = tc.id::bigint
      WHERE ${c.teamId} = ${scope.teamId}::uuid AND ${c.day} >= ${from}::date AND ${c.day} < ${toExclusive}::date AND ${x.outputHash} IS NOT NULL
      GROUP BY 1, 2 ORDER BY 1, 4, 2 LIMIT ${MAX_OFFERED}`,
    listSavedFilters(scope),
  ]);
  const plain = (key: string, values: string[]) =>
    values.map((value) => ({ spec: `${key}:${escapeCohortValue(value)}`, note: null }));
  return {
    choices: [
      ...plain("model", filters.models),
      ...plain(
        "source",
        sources.map((s) => s.source),
      ),
      ...plain("project", filters.projects),
      ...(maySeeEveryonesSpend(scope) ? plain("owner", filters.owners) : []),
      ...tags.map((tag) => ({
        spec: `tag:${escapeCohortValue(`${tag.key}=${tag.value}`)}`,
        note: `${tag.runs} runs tagged`,
      })),
      ...versions.map((version) => ({
        spec: `instructions:${escapeCohortValue(`${version.file}@${version.version}`)}`,
        note: `${version.file} version first read ${version.first}, ${version.runs} runs`,
      })),
      ...saved.map((filter) => ({ spec: `filter:${escapeCohortValue(filter.name)}`, note: filter.spec })),
    ],
    topModels: topModels.map((m) => m.model),
  };
}
