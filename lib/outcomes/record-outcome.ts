/**
 * Recording a decision about runs: one Outcome row per run (the history: status, source,
 * evidence, who), the run's `outcome` set to this latest decision, and an audit entry when a
 * person or a key made it. Every way in (the run page, `POST /api/v1/outcomes`, the GitHub
 * webhook) ends here.
 */
import { z } from "zod";
import { can } from "@/lib/auth/permissions";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { recomputeRunFindings } from "@/lib/waste/recompute";
import { Prisma } from "@/lib/generated/prisma/client";
import type { OutcomeStatus } from "@/lib/generated/prisma/enums";

export const outcomeStatuses = ["ACCEPTED", "REJECTED", "ABANDONED", "PROPOSED"] as const satisfies readonly OutcomeStatus[];
export const outcomeStatusSchema = z.enum(outcomeStatuses);

export type OutcomeSource = "manual" | "api" | "github";

export interface RecordedOutcome {
  id: string;
  runId: string;
  status: OutcomeStatus;
  source: OutcomeSource;
  evidence: string | null;
  decidedAt: string;
}

/**
 * Runs the caller may decide about, as a condition on Run aliased r: managers, admins, ingest
 * keys (CI, hooks) and the webhook (a team-wide scope) reach the whole team; members their own runs.
 */
export function decidableRunsCondition(scope: Scope): Prisma.Sql {
  if (scope.actor.kind !== "user" || can(scope.actor, "spend:read-all")) return Prisma.sql`r."teamId" = ${scope.teamId}::uuid`;
  return Prisma.sql`r."teamId" = ${scope.teamId}::uuid AND r."ownerId" IN (
    SELECT id FROM "Person" WHERE "teamId" = ${scope.teamId}::uuid AND "userId" = ${scope.actor.userId}::uuid)`;
}

/** The ids of runs named by id or by session id that the caller may decide about. */
export async function findDecidableRun(scope: Scope, by: { runId: string } | { externalId: string }): Promise<string | null> {
  const match = "runId" in by ? Prisma.sql`r.id = ${by.runId}::uuid` : Prisma.sql`r."externalId" = ${by.externalId}`;
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT r.id::text AS id FROM "Run" r WHERE ${decidableRunsCondition(scope)} AND ${match} ORDER BY r."startedAt" DESC LIMIT 1`;
  return rows[0]?.id ?? null;
}

/** Who decided, for Outcome.createdById and the audit log; both null for the webhook. */
export interface OutcomeActor {
  userId: string | null;
  apiKeyId: string | null;
}

export function outcomeActor(scope: Scope): OutcomeActor {
  return { userId: scope.actor.kind === "user" ? scope.actor.userId : null, apiKeyId: scope.actor.kind === "apiKey" ? scope.actor.apiKeyId : null };
}

/** Records the decision for the given runs of the team (ids of other teams are ignored). */
export async function recordOutcomes(
  scope: { teamId: string },
  input: { runIds: string[]; status: OutcomeStatus; source: OutcomeSource; evidence?: string | null },
  actor: OutcomeActor,
): Promise<RecordedOutcome[]> {
  if (input.runIds.length === 0) return [];
  const { userId: actorUserId, apiKeyId: actorApiKeyId } = actor;
  const evidence = input.evidence?.slice(0, 2000) ?? null;
  const recorded = await db().$transaction(async (tx) => {
    const before = await tx.$queryRaw<{ id: string; outcome: OutcomeStatus | null }[]>`
      SELECT id::text AS id, outcome FROM "Run" WHERE "teamId" = ${scope.teamId}::uuid AND id = ANY(${input.runIds}::uuid[]) FOR UPDATE`;
    const recorded = await tx.$queryRaw<RecordedOutcome[]>`
      INSERT INTO "Outcome" ("teamId", "runId", status, source, evidence, "createdById")
      SELECT ${scope.teamId}::uuid, r.id, ${input.status}::"OutcomeStatus", ${input.source}, ${evidence}, ${actorUserId}::uuid
      FROM "Run" r WHERE r."teamId" = ${scope.teamId}::uuid AND r.id = ANY(${input.runIds}::uuid[])
      RETURNING id::text AS id, "runId"::text AS "runId", status, source, evidence, to_json("decidedAt")#>>'{}' AS "decidedAt"`;
    await tx.$executeRaw`
      UPDATE "Run" SET outcome = ${input.status}::"OutcomeStatus", "updatedAt" = now()
      WHERE "teamId" = ${scope.teamId}::uuid AND id = ANY(${input.runIds}::uuid[])`;
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
  });
  // "No accepted outcome" findings depend on the decision.
  await recomputeRunFindings(scope.teamId, [...new Set(recorded.map((outcome) => outcome.runId))]);
  return recorded;
}

/** `POST /api/v1/outcomes`: a run by its id or its session id, and the decision. */
export const outcomeRequestSchema = z
  .object({
    runId: z.string().uuid().optional(),
    externalId: z.string().min(1).max(500).optional(),
    status: outcomeStatusSchema,
    evidence: z.string().max(2000).optional(),
  })
  .refine((body) => (body.runId === undefined) !== (body.externalId === undefined), "give exactly one of runId and externalId");
