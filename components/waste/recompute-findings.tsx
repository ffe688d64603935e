"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { formatInteger } from "@/lib/format";

/** A recompute job as `GET /api/v1/waste/recompute` answers it (dates as ISO text). */
export interface RecomputeJobView {
  id: string;
  status: string;
  done: number;
  total: number;
  error: string | null;
  createdAt: string;
}

const jobKey = ["recompute-job"];

async function fetchJob(): Promise<RecomputeJobView | null> {
  const response = await fetch("/api/v1/waste/recompute");
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
  return body.job as RecomputeJobView | null;
}

function statusText(job: RecomputeJobView): string {
  if (job.status === "running")
    return job.total > 0
      ? `Recomputing: ${formatInteger(job.done)} of ${formatInteger(job.total)} runs`
      : "Recomputing: counting the runs…";
  if (job.status === "failed") return `Last recompute failed: ${job.error ?? "unknown error"}`;
  return `Last recomputed ${job.createdAt.slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * The admin's "recompute" button with the job's progress, polled every second while it runs;
 * when it ends the page's findings are read again.
 */
export function RecomputeFindings({
  job: initial,
  action,
}: {
  job: RecomputeJobView | null;
  action: () => Promise<void>;
}) {
  const router = useRouter();
  const { data: job, refetch } = useQuery({
    queryKey: jobKey,
    queryFn: fetchJob,
    initialData: initial,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.status === "running" ? 1000 : false),
  });
  const running = job?.status === "running";
  const wasRunning = useRef(running);
  useEffect(() => {
    if (wasRunning.current && !running) router.refresh();
    wasRunning.current = running;
  }, [running, router]);
  return (
    <form
      action={async () => {
        await action();
        await refetch();
      }}
      className="inline recompute-findings"
      data-testid="recompute-findings"
    >
      <button type="submit" className="secondary" disabled={running}>
        Recompute findings
      </button>
      {job ? (
        <span className="muted" data-testid="recompute-status" data-status={job.status} role="status">
          {statusText(job)}
        </span>
      ) : null}
    </form>
  );
}
