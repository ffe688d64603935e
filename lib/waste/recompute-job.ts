/**
 * Recomputing a whole team's findings as a Job row (kind "recompute-findings") whose done/total
 * the Waste page shows. It runs in the server process after the request returns; if the process
 * stops half way the job stays "running" with its progress, and starting it again redoes it
 * (recompute is idempotent per run).
 */

import { trackBackground } from "@/lib/db/background";
import { db } from "@/lib/db/client";
import { STALE_WORK_AFTER_MS } from "@/lib/db/stale-work";
import { recomputeTeamFindings } from "./recompute";

export const RECOMPUTE_JOB_KIND = "recompute-findings";
/** Job.status: a recompute is running (with its progress), done, or failed (with its error). */
export const jobStatuses = ["running", "done", "failed"] as const;
export type JobStatus = (typeof jobStatuses)[number];
const isJobStatus = (status: string): status is JobStatus => (jobStatuses as readonly string[]).includes(status);

export interface RecomputeJobStatus {
  id: string;
  status: JobStatus;
  done: number;
  total: number;
  error: string | null;
  createdAt: Date;
}

export async function latestRecomputeJob(teamId: string): Promise<RecomputeJobStatus | null> {
  const job = await db().job.findFirst({
    where: { teamId, kind: RECOMPUTE_JOB_KIND },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true, done: true, total: true, error: true, createdAt: true },
  });
  // A status this code never writes reads as what it would mean: the job did not finish.
  return job && { ...job, status: isJobStatus(job.status) ? job.status : "failed" };
}

/**
 * Starts a recompute unless one is already running; returns the job that is running. `onDone` runs
 * once a recompute this call started has finished well.
 */
export async function startRecomputeJob(
  teamId: string,
  onDone: () => Promise<void> = async () => {},
): Promise<RecomputeJobStatus> {
  const latest = await latestRecomputeJob(teamId);
  if (latest?.status === "running" && Date.now() - latest.createdAt.getTime() < STALE_WORK_AFTER_MS) return latest;
  const job = await db().job.create({
    data: { teamId, kind: RECOMPUTE_JOB_KIND, status: "running" satisfies JobStatus },
  });
  const where = { teamId_id: { teamId, id: job.id } };
  const work = recomputeTeamFindings(teamId, ({ done, total }) => {
    void db()
      .job.update({ where, data: { done, total } })
      .catch(() => {});
  })
    .then(({ runs }) =>
      db().job.update({
        where,
        data: { status: "done" satisfies JobStatus, done: runs, total: runs, finishedAt: new Date() },
      }),
    )
    .then(onDone)
    .catch((error: unknown) =>
      db()
        .job.update({
          where,
          data: {
            status: "failed" satisfies JobStatus,
            error: String((error as Error)?.message ?? error).slice(0, 500),
            finishedAt: new Date(),
          },
        })
        .catch(() => {}),
    )
    .then(() => {});
  // The request that started it has answered: closeDb waits for it (lib/db/background.ts).
  trackBackground(work);
  return { id: job.id, status: "running", done: 0, total: 0, error: null, createdAt: job.createdAt };
}
