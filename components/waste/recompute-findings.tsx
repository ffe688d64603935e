import { formatInteger } from "@/lib/format";
import type { RecomputeJobStatus } from "@/lib/waste/recompute-job";

/** The admin's "recompute" button with the last run's progress (reload the page to follow it). */
export function RecomputeFindings({ job, action }: { job: RecomputeJobStatus | null; action: () => Promise<void> }) {
  const running = job?.status === "running";
  return (
    <form action={action} className="inline recompute-findings" data-testid="recompute-findings">
      <button type="submit" className="secondary" disabled={running}>
        Recompute findings
      </button>
      {job ? (
        <span className="muted" data-testid="recompute-status">
          {running
            ? `Recomputing: ${formatInteger(job.done)} of ${job.total ? formatInteger(job.total) : "?"} runs`
            : job.status === "failed"
              ? `Last recompute failed: ${job.error ?? "unknown error"}`
              : `Last recomputed ${job.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`}
        </span>
      ) : null}
    </form>
  );
}
