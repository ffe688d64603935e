/**
 * Recording a decision about runs: one Outcome row per run (the history: status, source,
 * evidence, who, and for GitHub the pull request and how it matched), the run's `outcome` set to
 * this latest decision, and an audit entry when a person or a key made it. Every way in (the run
 * page, `POST /api/v1/outcomes`, the GitHub webhook) ends here.
 */
import { z } from "zod";
import { decidableRunsCondition } from "@/lib/auth/policy";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { type RowOf, type SqlClient, tableColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { OutcomeStatus } from "@/lib/generated/prisma/enums";
import type { OutcomeModel } from "@/lib/generated/prisma/models/Outcome";
import { refreshOutcomeFindings } from "@/lib/waste/recompute";

const OutcomeTable = table("Outcome");
const RunTable = table("Run");
const r = table("Run", "r");
const x = table("Outcome", "x");

export const outcomeStatuses = [
  "ACCEPTED",
  "REJECTED",
  "ABANDONED",
  "PROPOSED",
] as const satisfies readonly OutcomeStatus[];
export const outcomeStatusSchema = z.enum(outcomeStatuses);

/** Who decided: a person by hand, the outcomes API, the GitHub webhook, or a run's own tool output (proposals). */
export type OutcomeSource = "manual" | "api" | "github" | "tool-call";

/**
 * Decisions made by a person: by hand on the run page, or posted to the outcomes API (by a person
 * or a script they hold a key for). Such a decision stands against every later webhook: GitHub
 * never changes a run whose latest decision is one of these; only another such decision does.
 */
export const personSources: readonly OutcomeSource[] = ["manual", "api"];

/** How a webhook's pull request reached a run (stored on its Outcome, shown on the run). */
export interface PullRequestMatch {
  /** What in the run selected it: the PR's URL, a head or merge commit, or the head branch. */
  matchedBy: "pr-url" | "commit" | "branch";
  /** How the run is known to be of the PR's repository, strongest first. */
  repositoryMatch: "remote" | "project" | "folder";
}

export interface RecordedOutcome {
  id: string;
  runId: string;
  status: OutcomeStatus;
  source: OutcomeSource;
  evidence: string | null;
  decidedAt: string;
  /** GitHub decisions: "owner/name#number"; null otherwise. */
  pullRequest: string | null;
  matchedBy: PullRequestMatch["matchedBy"] | null;
  repositoryMatch: PullRequestMatch["repositoryMatch"] | null;
}

/** The ids of runs named by id or by session id that the caller may decide about. */
export async function findDecidableRun(
  scope: Scope,
  by: { runId: string } | { externalId: string },
): Promise<string | null> {
  const match =
    "runId" in by ? Prisma.sql`${r.id} = ${by.runId}::uuid` : Prisma.sql`${r.externalId} = ${by.externalId}`;
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT ${r.id}::text AS id FROM ${r.$} WHERE ${decidableRunsCondition(scope)} AND ${match} ORDER BY ${r.startedAt} DESC LIMIT 1`;
  return rows[0]?.id ?? null;
}

/** Who decided, for Outcome.createdById and the audit log; both null for the webhook. */
export interface OutcomeActor {
  userId: string | null;
  apiKeyId: string | null;
}

export function outcomeActor(scope: Scope): OutcomeActor {
  return {
    userId: scope.actor.kind === "user" ? scope.actor.userId : null,
    apiKeyId: scope.actor.kind === "apiKey" ? scope.actor.apiKeyId : null,
  };
}

export interface OutcomeInput {
  runIds: string[];
  status: OutcomeStatus;
  source: OutcomeSource;
  evidence?: string | null;
  /** GitHub decisions: the pull request, the delivery, and how each run was matched. */
  github?: { pullRequest: string; deliveryId: string; matches: ReadonlyMap<string, PullRequestMatch> };
}

/** Which run a decision is recorded for, and for GitHub's how its pull request matched it. */
const decisionColumns = tableColumns<OutcomeModel>()({ runId: "uuid", matchedBy: "text?", repositoryMatch: "text?" });

/**
 * Records the decision for the given runs of the team (ids of other teams are ignored) inside the
 * caller's transaction; returns what was recorded. A GitHub decision skips the runs a person
 * decided last (personSources). Call refreshOutcomeFindings for the recorded runs after commit.
 */
export async function recordOutcomesIn(
  tx: Prisma.TransactionClient,
  scope: { teamId: string },
  input: OutcomeInput,
  actor: OutcomeActor,
): Promise<RecordedOutcome[]> {
  if (input.runIds.length === 0) return [];
  const { userId: actorUserId, apiKeyId: actorApiKeyId } = actor;
  const evidence = input.evidence?.slice(0, 2000) ?? null;
  const locked = await tx.$queryRaw<{ id: string; outcome: OutcomeStatus | null; decidedByPerson: boolean }[]>`
    SELECT ${r.id}::text AS id, ${r.outcome}, coalesce((
      SELECT ${x.source} = ANY(${[...personSources]}::text[]) FROM ${x.$}
      WHERE ${x.teamId} = ${r.teamId} AND ${x.runId} = ${r.id} ORDER BY ${x.decidedAt} DESC, ${x.id} DESC LIMIT 1), false) AS "decidedByPerson"
    FROM ${r.$} WHERE ${r.teamId} = ${scope.teamId}::uuid AND ${r.id} = ANY(${input.runIds}::uuid[])
    ORDER BY ${r.id} FOR UPDATE`;
  const before = input.github ? locked.filter((run) => !run.decidedByPerson) : locked;
  if (before.length === 0) return [];
  const rows = before.map((run) => {
    const match = input.github?.matches.get(run.id);
    return { runId: run.id, matchedBy: match?.matchedBy ?? null, repositoryMatch: match?.repositoryMatch ?? null };
  });
  const recorded = await tx.$queryRaw<RecordedOutcome[]>`
    INSERT INTO ${OutcomeTable.$} (${OutcomeTable.teamId}, ${OutcomeTable.runId}, ${OutcomeTable.status}, ${OutcomeTable.source}, ${OutcomeTable.evidence}, ${OutcomeTable.createdById}, ${OutcomeTable.pullRequest}, ${OutcomeTable.matchedBy}, ${OutcomeTable.repositoryMatch}, ${OutcomeTable.deliveryId})
    SELECT ${scope.teamId}::uuid, m."runId", ${input.status}::"OutcomeStatus", ${input.source}, ${evidence}, ${actorUserId}::uuid,
      ${input.github?.pullRequest ?? null}, m."matchedBy", m."repositoryMatch", ${input.github?.deliveryId ?? null}
    FROM ${decisionColumns.from(rows, "m")}
    RETURNING ${OutcomeTable.id}::text AS id, ${OutcomeTable.runId}::text AS "runId", ${OutcomeTable.status}, ${OutcomeTable.source}, ${OutcomeTable.evidence}, to_json(${OutcomeTable.decidedAt})#>>'{}' AS "decidedAt",
      ${OutcomeTable.pullRequest}, ${OutcomeTable.matchedBy}, ${OutcomeTable.repositoryMatch}`;
  await tx.$executeRaw`
    UPDATE ${RunTable.$} SET ${RunTable.outcome} = ${input.status}::"OutcomeStatus", ${RunTable.updatedAt} = now()
    WHERE ${RunTable.teamId} = ${scope.teamId}::uuid AND ${RunTable.id} = ANY(${before.map((run) => run.id)}::uuid[])`;
  // People and keys answer for their changes; the webhook's evidence (the PR) is its own record.
  if (input.source !== "github") {
    await tx.auditLog.createMany({
      data: before.map((run) => ({
        teamId: scope.teamId,
        actorUserId,
        actorApiKeyId,
        action: "run.outcome",
        entityType: "Run",
        entityId: run.id,
        before: { outcome: run.outcome },
        after: { outcome: input.status, source: input.source, evidence },
      })),
    });
  }
  return recorded;
}

const proposalColumns = tableColumns<OutcomeModel>()({ runId: "uuid", evidence: "text", decidedAt: "timestamptz" });
/** A run's tool output showed it produced a commit or a pull request: the evidence and when it was seen. */
export type OutcomeProposal = RowOf<typeof proposalColumns>;

/**
 * The ingest writer's way in, for many runs at once inside its chunk's transaction: a run whose
 * tools produced a commit or a pull request and that has no outcome yet becomes PROPOSED (source
 * "tool-call", decided when the reference was seen); a GitHub webhook later accepts or rejects it.
 * Runs with any outcome keep it. The caller's findings recompute covers the proposed runs.
 */
export async function proposeOutcomesIn(tx: SqlClient, teamId: string, proposals: OutcomeProposal[]): Promise<void> {
  // One proposal per run: its last reference's evidence.
  const onePerRun = [...new Map(proposals.map((proposal) => [proposal.runId, proposal])).values()];
  if (onePerRun.length === 0) return;
  await tx.$executeRaw`
    WITH proposed AS (
      UPDATE ${RunTable.$} SET ${RunTable.outcome} = 'PROPOSED'
      WHERE ${RunTable.teamId} = ${teamId}::uuid AND ${RunTable.id} = ANY(${onePerRun.map((p) => p.runId)}::uuid[]) AND ${RunTable.outcome} IS NULL
      RETURNING ${RunTable.id})
    INSERT INTO ${OutcomeTable.$} (${OutcomeTable.teamId}, ${proposalColumns.names()}, ${OutcomeTable.status}, ${OutcomeTable.source})
    SELECT ${teamId}::uuid, e.*, 'PROPOSED', ${"tool-call" satisfies OutcomeSource}
    FROM proposed p JOIN ${proposalColumns.from(onePerRun, "e")} ON e."runId" = p.id`;
}

/** Records a decision in its own transaction, then brings the runs' outcome findings up to date. */
export async function recordOutcomes(
  scope: { teamId: string },
  input: OutcomeInput,
  actor: OutcomeActor,
): Promise<RecordedOutcome[]> {
  const recorded = await db().$transaction((tx) => recordOutcomesIn(tx, scope, input, actor));
  await refreshOutcomeFindings(scope.teamId, [...new Set(recorded.map((outcome) => outcome.runId))]);
  return recorded;
}

/** Text a person sends: bounded, and without NUL bytes (Postgres text cannot hold them: a 400, not a 500). */
const outcomeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => !text.includes("\u0000"), "must not contain NUL bytes");

/** Bodies of `POST /api/v1/outcomes` are a few hundred bytes; this leaves room and refuses the rest. */
export const MAX_OUTCOME_BODY_BYTES = 16 * 1024;

/** `POST /api/v1/outcomes`: a run by its id or its session id, and the decision. */
export const outcomeRequestSchema = z
  .object({
    runId: z.string().uuid().optional(),
    externalId: outcomeText(500).pipe(z.string().min(1)).optional(),
    status: outcomeStatusSchema,
    evidence: outcomeText(2000).optional(),
  })
  .refine(
    (body) => (body.runId === undefined) !== (body.externalId === undefined),
    "give exactly one of runId and externalId",
  );
