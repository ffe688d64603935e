/**
 * A run's current outcome and what decided it, in one sentence: `GET /api/v1/runs/{id}` (its
 * `outcome`) and the run page. For GitHub decisions it names the pull request and how the run was
 * matched, weakest repository evidence said so plainly.
 */

import { visibleRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import type { PullRequestMatch, RecordedOutcome } from "./record-outcome";

const r = table("Run", "r");
const x = table("Outcome", "x");

export interface RunOutcome extends Omit<RecordedOutcome, "source"> {
  /** "manual" | "api" | "github" | "tool-call" (a commit or PR seen in the run's output) */
  source: string;
  /** The decision in words, e.g. "accepted: PR #2 of Codertocat/Hello-World, matched by branch within the repository (...)". */
  explanation: string;
}

const matchedByWords: Record<PullRequestMatch["matchedBy"], string> = {
  "pr-url": "the PR's URL in its output",
  commit: "a commit it made",
  branch: "branch",
};
const repositoryWords: Record<PullRequestMatch["repositoryMatch"], string> = {
  remote: "within the repository (the run's git remote is that repository)",
  project: "within the repository (the run's project is that repository's)",
  folder: "within a folder named like the repository (weak: the run has no git remote or project to say so)",
};

export function explainOutcome(outcome: Omit<RunOutcome, "explanation">): string {
  const status = outcome.status.toLowerCase();
  if (outcome.source === "github" && outcome.pullRequest) {
    const [repository, number] = outcome.pullRequest.split("#");
    const how =
      outcome.matchedBy && outcome.repositoryMatch
        ? `, matched by ${matchedByWords[outcome.matchedBy]} ${repositoryWords[outcome.repositoryMatch]}`
        : "";
    return `${status}: PR #${number} of ${repository}${how}`;
  }
  if (outcome.source === "manual")
    return `${status}: marked by hand${outcome.evidence ? ` (${outcome.evidence})` : ""}`;
  if (outcome.source === "api")
    return `${status}: posted to the outcomes API${outcome.evidence ? ` (${outcome.evidence})` : ""}`;
  if (outcome.source === "tool-call")
    return `${status}: the run committed or opened a pull request${outcome.evidence ? ` (${outcome.evidence})` : ""}`;
  return status;
}

/** The run's latest decision; null when the run has none or the caller may not see the run. */
export async function runOutcome(scope: Scope, runId: string): Promise<RunOutcome | null> {
  const [latest] = await db().$queryRaw<Omit<RunOutcome, "explanation">[]>`
    SELECT ${x.id}::text AS id, ${x.runId}::text AS "runId", ${x.status}, ${x.source}, ${x.evidence}, to_json(${x.decidedAt})#>>'{}' AS "decidedAt",
      ${x.pullRequest}, ${x.matchedBy}, ${x.repositoryMatch}
    FROM ${x.$} JOIN ${r.$} ON ${r.teamId} = ${x.teamId} AND ${r.id} = ${x.runId}
    WHERE ${visibleRunsCondition(scope)} AND ${x.teamId} = ${scope.teamId}::uuid AND ${x.runId} = ${runId}::uuid
    ORDER BY ${x.decidedAt} DESC, ${x.id} DESC LIMIT 1`;
  return latest ? { ...latest, explanation: explainOutcome(latest) } : null;
}
