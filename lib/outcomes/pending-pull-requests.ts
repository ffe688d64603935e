/**
 * Pull request decisions that arrived before their runs. GitHub delivers a merge the moment it
 * happens; the traces of the work often come later (a laptop that pushes once a day, an upload at
 * the end of the week). A delivery that matches no run is kept here, and after every ingest batch
 * commits the runs it touched are matched against what is waiting (the writer's afterCommit), so
 * the outcome lands as if the webhook had come after the traces. A pending decision goes once it
 * has matched runs, when a newer delivery of the same pull request arrives, or after
 * PENDING_DAYS. Runs arriving after the first match are not matched again (the pull request's
 * first batch of runs takes its decision).
 */
import { z } from "zod";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import type { OutcomeStatus, Prisma } from "@/lib/generated/prisma/client";
import { type MatchedRun, type PullRequestRef, runsOfPullRequest } from "./pull-request-runs";
import { type RecordedOutcome, recordOutcomesIn } from "./record-outcome";

const PendingPullRequest = table("PendingPullRequest");

/** How long a decision waits for its runs: past a sprint, late traces are not this PR's news. */
export const PENDING_DAYS = 14;
/** Decisions matched per batch at most (oldest first): bounds the after-commit work. */
const MAX_PENDING_PER_BATCH = 200;

export interface PullRequestDecision {
  deliveryId: string;
  /** "owner/name#number" */
  pullRequest: string;
  status: OutcomeStatus;
  reference: PullRequestRef;
}

const repository = z.object({ fullName: z.string(), htmlUrl: z.string() });
/** The stored reference is our own JSON, read back through the same shape it was written in. */
const storedReference: z.ZodType<PullRequestRef> = z.object({
  htmlUrl: z.string(),
  headRef: z.string(),
  headSha: z.string(),
  mergeCommitSha: z.string().nullable(),
  baseRef: z.string(),
  base: repository,
  head: repository.nullable(),
});

/** The runs' outcomes from one delivery, with how each run was matched. */
export function recordPullRequestDecision(
  tx: Prisma.TransactionClient,
  teamId: string,
  decision: PullRequestDecision,
  matchedRuns: MatchedRun[],
): Promise<RecordedOutcome[]> {
  return recordOutcomesIn(
    tx,
    { teamId },
    {
      runIds: matchedRuns.map((run) => run.runId),
      status: decision.status,
      source: "github",
      evidence: decision.reference.htmlUrl,
      github: {
        pullRequest: decision.pullRequest,
        deliveryId: decision.deliveryId,
        matches: new Map(matchedRuns.map((run) => [run.runId, run])),
      },
    },
    { userId: null, apiKeyId: null },
  );
}

/** Keeps a delivery that matched no run, to be matched against the runs of later batches. */
export async function keepPending(
  tx: Prisma.TransactionClient,
  teamId: string,
  decision: PullRequestDecision,
): Promise<void> {
  await tx.pendingPullRequest.create({
    data: {
      teamId,
      deliveryId: decision.deliveryId,
      pullRequest: decision.pullRequest,
      status: decision.status,
      reference: decision.reference as unknown as Prisma.InputJsonValue,
    },
  });
}

/**
 * Matches the waiting decisions against the runs a batch touched and records the outcomes they
 * find; returns the runs decided (the findings recompute that follows in afterCommit sees them).
 */
export async function replayPendingPullRequests(teamId: string, runIds: string[]): Promise<string[]> {
  if (runIds.length === 0) return [];
  await db().$executeRaw`
    DELETE FROM ${PendingPullRequest.$}
    WHERE ${PendingPullRequest.teamId} = ${teamId}::uuid AND ${PendingPullRequest.receivedAt} < now() - make_interval(days => ${PENDING_DAYS})`;
  const pending = await db().pendingPullRequest.findMany({
    where: { teamId },
    orderBy: { receivedAt: "asc" },
    take: MAX_PENDING_PER_BATCH,
  });
  const decided: string[] = [];
  for (const row of pending) {
    const reference = storedReference.parse(row.reference);
    const matched = await runsOfPullRequest({ teamId }, reference, runIds);
    if (matched.length === 0) continue;
    const recorded = await db().$transaction(async (tx) => {
      // Taken by whichever batch deletes it first: two batches never record the same decision twice.
      const taken = await tx.$executeRaw`
        DELETE FROM ${PendingPullRequest.$} WHERE ${PendingPullRequest.teamId} = ${teamId}::uuid AND ${PendingPullRequest.deliveryId} = ${row.deliveryId}`;
      if (taken === 0) return [];
      const decision = { deliveryId: row.deliveryId, pullRequest: row.pullRequest, status: row.status, reference };
      return recordPullRequestDecision(tx, teamId, decision, matched);
    });
    decided.push(...recorded.map((outcome) => outcome.runId));
  }
  return decided;
}
