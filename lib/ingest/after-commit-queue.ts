/**
 * The after-commit work of the server's ingest requests (writer.ts `afterCommit`: findings, budgets,
 * context packages), queued per team instead of awaited, so a request answers once its batch has
 * committed. The findings of 669 runs took ~1.5 s of a 120 MB push's requests; the next request's
 * parsing and writing now overlap it.
 *
 * One pass runs at a time per team; batches committed while it runs wait as one: their runs are
 * merged, so a push of many requests recomputes each run once per pass, not once per request.
 * A team's passes start at most every PASS_INTERVAL_MS: a pass reads its runs' calls whole, and
 * telemetry streamed into a few long sessions commits a batch every ~60 ms (lib/ingest/group-commit.ts);
 * a pass for each re-read those sessions from their start every time (bench:otlp: 91 passes for 93
 * batches; with the interval 15, and the server's CPU 3.9 ms a body instead of 7.1). A lone
 * upload's pass starts at once.
 * Pages and read APIs wait for their team's queue first (lib/auth/scope.ts), so what a user opens
 * after an upload shows that upload's findings, as when the request itself waited for them. They
 * wait for the passes of the batches committed before them, never for later ones: a team streaming
 * telemetry keeps its queue busy without end, and a page must still answer.
 *
 * The queue lives in the process's memory (on globalThis, as the database client does, so every
 * bundle of the Next.js server shares it). What makes it durable is a mark on each batch row
 * (IngestBatch.afterCommitPending), set as the batch commits and cleared when its pass is done: a
 * process stopped in between leaves the mark, and the next start recomputes that team's findings
 * and context packages as a job (resumeInterruptedAfterCommit, from instrumentation.ts).
 */
import { trackBackground } from "@/lib/db/background";
import { clearAfterCommitPending, teamsWithInterruptedAfterCommit } from "@/lib/store/ingest-batches";
import { startRecomputeJob } from "@/lib/waste/recompute-job";
import type { CommittedBatch } from "./writer";

/** How soon after a team's pass starts the next may start: what a page may wait longer while telemetry streams. */
export const PASS_INTERVAL_MS = 500;

interface TeamQueue {
  /** The pass in progress, or the pause before the next may start; it never rejects. */
  running: Promise<void> | null;
  /** Batches committed since the pass started, merged, and their ids. */
  waiting: CommittedBatch | null;
  waitingBatchIds: string[];
  /** How each waiting batch reports a failure of its pass. */
  failures: ((error: unknown) => Promise<void>)[];
  /** The pass in progress, and the one that will take the waiting batches. */
  currentPass: Pass | null;
  waitingPass: Pass | null;
}

interface Pass {
  done: Promise<void>;
  end: () => void;
}

function newPass(): Pass {
  let end = () => {};
  const done = new Promise<void>((resolve) => {
    end = resolve;
  });
  return { done, end };
}

const globalQueues = globalThis as unknown as { trhAfterCommitQueues?: Map<string, TeamQueue> };
globalQueues.trhAfterCommitQueues ??= new Map();
const queues = globalQueues.trhAfterCommitQueues;

/** Queues `work` for `batch`; merged with the team's batches waiting for their pass. */
export function queueAfterCommit(
  batch: CommittedBatch,
  work: (batch: CommittedBatch) => Promise<void>,
  onFailure: (error: unknown) => Promise<void>,
): void {
  let queue = queues.get(batch.teamId);
  if (!queue) {
    queue = { running: null, waiting: null, waitingBatchIds: [], failures: [], currentPass: null, waitingPass: null };
    queues.set(batch.teamId, queue);
  }
  queue.waiting = queue.waiting === null ? batch : merged(queue.waiting, batch);
  queue.waitingBatchIds.push(batch.batchId);
  queue.failures.push(onFailure);
  queue.waitingPass ??= newPass();
  if (queue.running === null) {
    queue.running = drain(batch.teamId, queue, work);
    trackBackground(queue.running);
  }
}

/**
 * Resolves once the after-commit work of every batch the team committed before this call is done
 * (at once when none is queued); batches committed later are not waited for.
 */
export async function afterCommitSettled(teamId: string): Promise<void> {
  const queue = queues.get(teamId);
  if (!queue) return;
  // The waiting batches' pass starts after the running one ends: waiting for it covers both.
  await (queue.waitingPass ?? queue.currentPass)?.done;
}

async function drain(teamId: string, queue: TeamQueue, work: (batch: CommittedBatch) => Promise<void>): Promise<void> {
  for (let batch = queue.waiting; batch !== null; batch = queue.waiting) {
    const started = Date.now();
    const failures = queue.failures;
    const batchIds = queue.waitingBatchIds;
    const pass = queue.waitingPass;
    queue.waiting = null;
    queue.waitingBatchIds = [];
    queue.failures = [];
    queue.currentPass = pass;
    queue.waitingPass = null;
    try {
      await work(batch);
      await clearAfterCommitPending(teamId, batchIds);
    } catch (error) {
      // Nobody awaits the pass: say so in the server's log, and on each batch (as a failed batch).
      console.error(`after-commit work of team ${teamId} failed:`, error);
      await Promise.all(failures.map((fail) => fail(error).catch(() => {})));
    } finally {
      pass?.end();
    }
    // Batches committed until the next pass may start wait as one (their pages wait with them).
    const pause = started + PASS_INTERVAL_MS - Date.now();
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
  }
  queue.running = null;
  queues.delete(teamId);
}

function merged(a: CommittedBatch, b: CommittedBatch): CommittedBatch {
  return {
    teamId: a.teamId,
    batchId: a.batchId,
    runIds: [...new Set([...a.runIds, ...b.runIds])],
    changedRunIds: [...new Set([...a.changedRunIds, ...b.changedRunIds])],
    costUsd: a.costUsd + b.costUsd,
  };
}

/**
 * At a server's start: the teams whose queued after-commit work a stopped process never finished
 * get their findings and context packages recomputed (the "Recompute findings" job, with its
 * progress on the Waste page); their batches' marks are cleared when it is done, so a stop during
 * the recompute leaves them for the start after. With several app servers, one that starts may
 * redo a pass another is still running: recomputing is idempotent per run, so that costs time only.
 */
export async function resumeInterruptedAfterCommit(startedAt: Date = new Date()): Promise<string[]> {
  const interrupted = await teamsWithInterruptedAfterCommit(startedAt);
  for (const { teamId, batchIds } of interrupted) {
    await startRecomputeJob(teamId, () => clearAfterCommitPending(teamId, batchIds));
  }
  return interrupted.map(({ teamId }) => teamId);
}
