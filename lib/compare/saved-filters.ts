/**
 * A team's saved filters: named cohort specs (lib/compare/cohort-spec.ts) that anyone of the team
 * may pick as a cohort `filter:<name>` on Compare workflows and in `GET /api/v1/compare`.
 * Managers and admins (or a key of scope all) save and delete them; saving a name again replaces
 * its spec. A saved spec names no other filter, so expanding one never loops.
 */
import { z } from "zod";
import { may } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { teamDb } from "@/lib/db/team-db";
import { badRequest, forbidden, notFound } from "@/lib/http/errors";
import { type Cohort, type CohortSpec, cohortKeys, cohortLabel, parseCohort } from "./cohort-spec";

export const MAX_SAVED_FILTERS = 200;

export interface SavedFilter {
  id: string;
  name: string;
  spec: string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

export const savedFilterSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "a filter needs a name")
    .max(80, "a filter's name is at most 80 characters")
    .refine((name) => !CONTROL.test(name), "a filter's name must not contain control characters"),
  spec: z
    .string()
    .max(600)
    .transform((text, ctx) => {
      const cohort = parseCohort(text);
      if (typeof cohort === "string") {
        ctx.addIssue({ code: "custom", message: cohort });
        return z.NEVER;
      }
      if (cohort.spec.filter !== undefined) {
        ctx.addIssue({ code: "custom", message: "a saved filter cannot name another filter" });
        return z.NEVER;
      }
      return cohort;
    }),
});

export function mayManageSavedFilters(scope: Scope): boolean {
  return may(scope, "filters:manage");
}

export async function listSavedFilters(scope: Pick<Scope, "teamId">): Promise<SavedFilter[]> {
  return teamDb(scope).savedFilter.findMany({ select: { id: true, name: true, spec: true }, orderBy: { name: "asc" } });
}

/** Saves (or replaces, by name) a filter; `created` says which. */
export async function saveFilter(scope: Scope, input: unknown): Promise<{ filter: SavedFilter; created: boolean }> {
  if (!mayManageSavedFilters(scope))
    throw forbidden("saving filters needs the manager or admin role, or a key of scope all");
  const { name, spec } = savedFilterSchema.parse(input);
  const filters = teamDb(scope).savedFilter;
  const existing = await filters.findFirst({ where: { name }, select: { id: true } });
  if (!existing && (await filters.count()) >= MAX_SAVED_FILTERS)
    throw badRequest(`a team keeps at most ${MAX_SAVED_FILTERS} saved filters`);
  const select = { id: true, name: true, spec: true } as const;
  const filter = existing
    ? await filters.update({
        where: { teamId_id: { teamId: scope.teamId, id: existing.id } },
        data: { spec: spec.label },
        select,
      })
    : await filters.create({ data: { teamId: scope.teamId, name, spec: spec.label }, select });
  return { filter, created: !existing };
}

export async function deleteSavedFilter(scope: Scope, id: string): Promise<void> {
  if (!mayManageSavedFilters(scope))
    throw forbidden("deleting filters needs the manager or admin role, or a key of scope all");
  if (!z.uuid().safeParse(id).success) throw notFound("saved filter");
  const { count } = await teamDb(scope).savedFilter.deleteMany({ where: { id } });
  if (count === 0) throw notFound("saved filter");
}

/**
 * The cohorts with each `filter:` replaced by its saved clauses (the label stays as written). A
 * clause given both by the cohort and by its filter is refused, as a key given twice is.
 */
export async function expandSavedFilters(scope: Pick<Scope, "teamId">, cohorts: Cohort[]): Promise<Cohort[]> {
  if (!cohorts.some((cohort) => cohort.spec.filter !== undefined)) return cohorts;
  const saved = new Map((await listSavedFilters(scope)).map((filter) => [filter.name, filter.spec]));
  return cohorts.map((cohort) => {
    const name = cohort.spec.filter;
    if (name === undefined) return cohort;
    const text = saved.get(name);
    if (text === undefined) throw badRequest(`no saved filter is named "${name.slice(0, 80)}" (in ${cohort.label})`);
    const savedCohort = parseCohort(text);
    if (typeof savedCohort === "string") throw badRequest(`saved filter "${name}" no longer reads: ${savedCohort}`);
    const spec: CohortSpec = { ...cohort.spec };
    delete spec.filter;
    for (const key of cohortKeys) {
      const value = savedCohort.spec[key];
      if (value === undefined) continue;
      if (spec[key] !== undefined)
        throw badRequest(`${key} is given by ${cohort.label} and by its saved filter "${name}": give it once`);
      spec[key] = value;
    }
    // Read again as one spec, so the rules across clauses (after before before) hold for the whole.
    const merged = parseCohort(cohortLabel(spec));
    if (typeof merged === "string") throw badRequest(`${cohort.label} with its saved filter "${name}": ${merged}`);
    return { label: cohort.label, spec: merged.spec };
  });
}
