/**
 * The after-commit work of the server's ingest requests (writer.ts `afterCommit`: findings, budgets,
 * context packages), queued per team instead of awaited, so a request answers once its batch has
 * committed. The findings of 669 runs took ~1.5 s of a 120 MB push's requests; the next request's
 * parsing and writing now overlap it.
 *
 * One pass runs at a time per team; batches committed while it runs wait as one: their runs are
 * merged, so a push of many requests recomputes each run once per pass, not once per request.
 * Pages and read APIs wait for their team's queue first (lib/auth/scope.ts), so what a user opens
 * after an upload shows that upload's findings, as when the request itself waited for them. They
 * wait for the passes of the batches committed before them, never for later ones: a team streaming
 * telemetry keeps its queue busy without end, and a page must still answer.
 *
 * The queue lives in the process's memory (on globalThis, as the database client does, so every
 * bundle of the Next.js server shares it). A process stopped between a commit and its pass leaves
 * those runs' findings as they were until the next ingest of the run or "Recompute findings".
 */
import { trackBackground } from "@/lib/db/background";
import type { CommittedBatch } from "./writer";

interface TeamQueue {
  /** The pass in progress; it never rejects. */
  running: Promise<void> | null;
  /** Batches committed since the pass started, merged. */
  waiting: CommittedBatch | null;
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
    queue = { running: null, waiting: null, failures: [], currentPass: null, waitingPass: null };
    queues.set(batch.teamId, queue);
  }
  queue.waiting = queue.waiting === null ? batch : merged(queue.waiting, batch);
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
    const failures = queue.failures;
    const pass = queue.waitingPass;
    queue.waiting = null;
    queue.failures = [];
    queue.currentPass = pass;
    queue.waitingPass = null;
    try {
      await work(batch);
    } catch (error) {
      // Nobody awaits the pass: say so in the server's log, and on each batch (as a failed batch).
      console.error(`after-commit work of team ${teamId} failed:`, error);
      await Promise.all(failures.map((fail) => fail(error).catch(() => {})));
    } finally {
      pass?.end();
    }
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
