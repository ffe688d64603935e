/**
 * The IngestBatch table: one upload, import or push, its running totals, its lease (heartbeat,
 * lib/db/stale-work.ts) and its end (COMPLETE with its line errors, or FAILED).
 */
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import type { SqlClient } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";

const IngestBatch = table("IngestBatch");

export interface BatchError {
  file?: string;
  line: number;
  message: string;
}

/** The errors as the batch's JSON column holds them. */
const asJson = (errors: BatchError[]) =>
  errors.map(({ file, line, message }) => (file === undefined ? { line, message } : { file, line, message }));

export async function openBatch(scope: Scope, format: string, fileName: string | null): Promise<string> {
  const batch = await db().ingestBatch.create({
    data: {
      teamId: scope.teamId,
      format,
      fileName,
      uploadedById: scope.actor.kind === "user" ? scope.actor.userId : null,
      apiKeyId: scope.actor.kind === "apiKey" ? scope.actor.apiKeyId : null,
    },
    select: { id: true },
  });
  return batch.id;
}

/** Renews the lease; a batch taken for interrupted that turns out alive is RUNNING again. */
export async function renewLease(teamId: string, batchId: string): Promise<void> {
  await db().ingestBatch.updateMany({
    where: { teamId, id: batchId, status: { in: ["RUNNING", "INTERRUPTED"] } },
    data: { heartbeatAt: new Date(), status: "RUNNING" },
  });
}

/**
 * Adds a committed chunk's totals, in its transaction (on the bulk connection: no Prisma compile
 * per chunk), and renews the lease with it.
 */
export async function addChunkTotals(
  tx: SqlClient,
  teamId: string,
  batchId: string,
  totals: { runs: number; calls: number; duplicates: number; costUsd: string },
): Promise<void> {
  const updated = await tx.$executeRaw`
    UPDATE ${IngestBatch.$} SET ${IngestBatch.runs} = ${totals.runs}::int, ${IngestBatch.calls} = ${IngestBatch.calls} + ${totals.calls}::int,
      ${IngestBatch.duplicates} = ${IngestBatch.duplicates} + ${totals.duplicates}::int,
      ${IngestBatch.costUsd} = ${IngestBatch.costUsd} + ${totals.costUsd}::numeric, ${IngestBatch.heartbeatAt} = now(), ${IngestBatch.status} = 'RUNNING'
    WHERE ${IngestBatch.teamId} = ${teamId}::uuid AND ${IngestBatch.id} = ${batchId}::uuid`;
  if (updated !== 1) throw new Error(`ingest batch ${batchId} is gone`);
}

/** Closes the batch, in the writer's last transaction (on the bulk connection). */
export async function completeBatch(
  tx: SqlClient,
  teamId: string,
  batchId: string,
  outcome: { runs: number; errors: BatchError[]; errorCount: number; afterCommitPending: boolean },
): Promise<void> {
  const updated = await tx.$executeRaw`
    UPDATE ${IngestBatch.$} SET ${IngestBatch.status} = 'COMPLETE', ${IngestBatch.afterCommitPending} = ${outcome.afterCommitPending}::boolean,
      ${IngestBatch.finishedAt} = now(), ${IngestBatch.errors} = ${JSON.stringify(asJson(outcome.errors))}::jsonb,
      ${IngestBatch.errorCount} = ${outcome.errorCount}::int, ${IngestBatch.runs} = ${outcome.runs}::int
    WHERE ${IngestBatch.teamId} = ${teamId}::uuid AND ${IngestBatch.id} = ${batchId}::uuid`;
  if (updated !== 1) throw new Error(`ingest batch ${batchId} is gone`);
}

/** Marks the batch failed (the chunks already written stay: they are complete and idempotent). */
export async function failBatch(
  teamId: string,
  batchId: string,
  errors: BatchError[],
  errorCount: number,
): Promise<void> {
  await db().ingestBatch.update({
    where: { teamId_id: { teamId, id: batchId } },
    data: { status: "FAILED", finishedAt: new Date(), errors: asJson(errors), errorCount },
  });
}

/** The queued after-commit work of these batches is done (see IngestBatch.afterCommitPending). */
export async function clearAfterCommitPending(teamId: string, batchIds: readonly string[]): Promise<void> {
  await db().ingestBatch.updateMany({
    where: { teamId, id: { in: [...batchIds] }, afterCommitPending: true },
    data: { afterCommitPending: false },
  });
}

/**
 * The teams with batches whose queued after-commit work never ran to its end: committed before
 * `before` (this process's start) and still marked. Read team by team, as every query is.
 */
export async function teamsWithInterruptedAfterCommit(before: Date): Promise<{ teamId: string; batchIds: string[] }[]> {
  const teams = await db().team.findMany({ select: { id: true } });
  const found: { teamId: string; batchIds: string[] }[] = [];
  for (const { id: teamId } of teams) {
    const batches = await db().ingestBatch.findMany({
      where: { teamId, afterCommitPending: true, finishedAt: { lt: before } },
      select: { id: true },
    });
    if (batches.length > 0) found.push({ teamId, batchIds: batches.map((batch) => batch.id) });
  }
  return found;
}
