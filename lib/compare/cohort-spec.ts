/**
 * The cohort syntax of `GET /api/v1/compare?cohort=...` and the Compare workflows page: a cohort is
 * one or more `key:value` clauses joined by commas, all of which a run must meet.
 *
 *   model:claude-opus-4-6          the run's main model (the model it spent most on)
 *   source:codex                   the agent that wrote the trace (Run.source); `agent:` is the same
 *   project:web                    a project's name or id; `project:unallocated` for runs without one
 *   owner:ana@example.com          a person's email, name or id; `owner:unallocated` (managers, admins, read keys)
 *   tag:team=platform              the run's trace carries that tag (an OpenTelemetry resource attribute or a
 *                                  native record's tags, lib/ingest/run-tags.ts); the first = splits key and value
 *   instructions:CLAUDE.md@3f2a9c1b   the run read that version of an instruction file (its context package:
 *                                  the file by name or path end, the version by the first hex characters of the
 *                                  SHA-256 of what the read returned); `instructions:CLAUDE.md` any version of it
 *   filter:reviewed-web            the team's saved filter of that name (lib/compare/saved-filters.ts), its
 *                                  clauses added to the cohort's own
 *   after:2026-11-10               started on or after that UTC day
 *   before:2026-11-10              started before that UTC day (so before: and after: of one day split the runs in two)
 *   model:claude-opus-4-6,after:2026-11-10   both
 *
 * A value runs to the next comma; a comma or backslash inside a value is written `\,` or `\\`.
 * Each key at most once per cohort. Values are untrusted: bounded in length, free of control
 * characters, and only ever bound as SQL parameters.
 */
import { z } from "zod";
import { dayProblem } from "@/lib/days";

export const cohortKeys = [
  "model",
  "source",
  "project",
  "owner",
  "tag",
  "instructions",
  "filter",
  "after",
  "before",
] as const;
export type CohortKey = (typeof cohortKeys)[number];

/** Other spellings accepted for a key. */
const keyAliases: Record<string, CohortKey> = { agent: "source" };

export const MAX_COHORTS = 6;
export const MAX_COHORT_SPEC_CHARS = 600;
const MAX_VALUE_CHARS = 320;

export type CohortSpec = Partial<Record<CohortKey, string>>;

export interface Cohort {
  /** The spec as written by the caller, normalized (keys in a fixed order): the cohort's name. */
  label: string;
  spec: CohortSpec;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
/** A version: 8 to 64 hex characters of a SHA-256 (ToolCall.outputHash keeps 32). */
const VERSION = /^[0-9a-f]{8,64}$/;

/** The tag a `tag:` value names: key before the first `=`, value after it. */
export function tagOf(value: string): { key: string; value: string } {
  const equals = value.indexOf("=");
  return { key: value.slice(0, equals), value: value.slice(equals + 1) };
}

/** The file and version prefix an `instructions:` value names (version null: any version). */
export function instructionVersionOf(value: string): { file: string; version: string | null } {
  const at = value.lastIndexOf("@");
  if (at >= 0 && VERSION.test(value.slice(at + 1).toLowerCase()))
    return { file: value.slice(0, at), version: value.slice(at + 1).toLowerCase() };
  return { file: value, version: null };
}

/** Why a value does not fit its key, or null. */
function valueProblem(key: CohortKey, value: string): string | null {
  if (key === "after" || key === "before") {
    const problem = dayProblem(value);
    return problem ? `${key} needs ${problem}` : null;
  }
  if (key === "tag") {
    const { key: tagKey, value: tagValue } = tagOf(value);
    return tagKey === "" || tagValue === "" || !value.includes("=")
      ? "tag needs key=value, e.g. tag:team=platform"
      : null;
  }
  if (key === "instructions" && instructionVersionOf(value).file.trim() === "")
    return "instructions needs a file, e.g. instructions:CLAUDE.md@3f2a9c1b";
  return null;
}

/** Escapes a value for a spec (`,` and `\`). */
export function escapeCohortValue(value: string): string {
  return value.replace(/[\\,]/g, (c) => `\\${c}`);
}

export function cohortLabel(spec: CohortSpec): string {
  return cohortKeys
    .filter((key) => spec[key] !== undefined)
    .map((key) => `${key}:${escapeCohortValue(spec[key]!)}`)
    .join(",");
}

/** Splits on unescaped commas, one pass over the text (linear time). */
function splitClauses(text: string): string[] | string {
  const clauses: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") {
      const next = text[i + 1];
      if (next !== "," && next !== "\\") return `a backslash must be followed by , or \\ (at character ${i + 1})`;
      current += next;
      i++;
    } else if (c === ",") {
      clauses.push(current);
      current = "";
    } else current += c;
  }
  clauses.push(current);
  return clauses;
}

/** The cohort a spec names, or the reason it names none. */
export function parseCohort(text: string): Cohort | string {
  if (text.trim() === "") return "a cohort needs at least one clause, e.g. model:claude-opus-4-6";
  if (text.length > MAX_COHORT_SPEC_CHARS) return `a cohort is at most ${MAX_COHORT_SPEC_CHARS} characters`;
  if (CONTROL.test(text)) return "a cohort must not contain control characters";
  const clauses = splitClauses(text);
  if (typeof clauses === "string") return clauses;
  const spec: CohortSpec = {};
  for (const clause of clauses) {
    const colon = clause.indexOf(":");
    if (colon <= 0) return `"${clause.slice(0, 40)}" is not key:value (keys: ${cohortKeys.join(", ")})`;
    const rawKey = clause.slice(0, colon).trim().toLowerCase();
    const value = clause.slice(colon + 1).trim();
    const key = keyAliases[rawKey] ?? (cohortKeys as readonly string[]).find((k) => k === rawKey);
    if (!key) return `unknown cohort key "${rawKey.slice(0, 40)}" (keys: ${cohortKeys.join(", ")}, agent)`;
    if (spec[key as CohortKey] !== undefined) return `${key} is given twice in one cohort`;
    if (value === "") return `${key} needs a value`;
    if (value.length > MAX_VALUE_CHARS) return `the value of ${key} is at most ${MAX_VALUE_CHARS} characters`;
    const problem = valueProblem(key as CohortKey, value);
    if (problem) return problem;
    spec[key as CohortKey] = value;
  }
  if (spec.after !== undefined && spec.before !== undefined && spec.after >= spec.before)
    return `after:${spec.after} and before:${spec.before} leave no day`;
  return { label: cohortLabel(spec), spec };
}

/** zod schema of one `cohort` parameter. */
export const cohortSchema = z.string().transform((text, ctx) => {
  const cohort = parseCohort(text);
  if (typeof cohort === "string") {
    ctx.addIssue({ code: "custom", message: `${cohort} (in "${text.slice(0, 60)}")` });
    return z.NEVER;
  }
  return cohort;
});

/** zod schema of the list of cohorts: two to MAX_COHORTS, no two the same. */
export const cohortListSchema = z
  .array(cohortSchema)
  .min(2, "give at least two cohorts, e.g. cohort=model:claude-opus-4-6&cohort=model:claude-sonnet-4-5")
  .max(MAX_COHORTS, `at most ${MAX_COHORTS} cohorts`)
  .superRefine((cohorts, ctx) => {
    const labels = new Set<string>();
    for (const cohort of cohorts) {
      if (labels.has(cohort.label)) ctx.addIssue({ code: "custom", message: `${cohort.label} is given twice` });
      labels.add(cohort.label);
    }
  });
