/**
 * Ingest batches cut off by a crash or a killed process (issue 10): a batch that stays RUNNING
 * without a heartbeat is INTERRUPTED, keeping the counts of the chunks it stored (each chunk is one
 * transaction, so they are whole). Sending the same input again completes it: the writer is
 * idempotent, and a call already stored counts as a duplicate.
 */
import { db } from "@/lib/db/client";
import { STALE_WORK_AFTER_MS } from "@/lib/db/stale-work";

/**
 * Marks batches INTERRUPTED and returns how many: those whose lease expired, or with
 * `everyRunning` every RUNNING batch (the embedded database at server start: its lock file
 * guarantees no other process is writing). `teamId` limits it to one team.
 */
export async function interruptStaleBatches(
  options: { everyRunning?: boolean; teamId?: string } = {},
): Promise<number> {
  const staleBefore = new Date(options.everyRunning ? Date.now() + 1 : Date.now() - STALE_WORK_AFTER_MS);
  const { count } = await db().ingestBatch.updateMany({
    where: {
      status: "RUNNING",
      heartbeatAt: { lt: staleBefore },
      ...(options.teamId ? { teamId: options.teamId } : {}),
    },
    data: { status: "INTERRUPTED" },
  });
  return count;
}
