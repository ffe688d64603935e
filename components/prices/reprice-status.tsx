"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { formatInteger } from "@/lib/format";
import type { RepriceJobStatus } from "@/lib/pricing/reprice";

const REFRESH_MS = 1000;

/** The latest re-pricing job: its progress, refreshed every second while it runs, then its result. */
export function RepriceStatus({ job }: { job: RepriceJobStatus | null }) {
  const router = useRouter();
  const running = job?.status === "running";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => router.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [running, router]);
  if (job === null) return null;
  const when = (date: Date | null) => (date ? `${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : "");
  return (
    <p className="muted" data-testid="reprice-status" data-status={job.status} aria-live="polite">
      {running
        ? `Re-pricing history: ${formatInteger(job.done)} of ${formatInteger(job.total)} calls…`
        : job.status === "interrupted"
          ? `The last re-pricing stopped after ${formatInteger(job.done)} of ${formatInteger(job.total)} calls (the server stopped). Re-price all history to finish it.`
          : job.status === "failed"
            ? `The last re-pricing failed: ${job.error ?? "unknown error"}. Save the price again, or re-price all history.`
            : `History re-priced ${when(job.finishedAt)}: ${formatInteger(job.done)} calls, with their runs, daily totals and findings.`}
    </p>
  );
}
