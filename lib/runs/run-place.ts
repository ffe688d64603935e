import { formatUsd } from "@/lib/format";

/**
 * Where a run worked, short: the repository's name from its git remote (`acme/billing-api`), else
 * the last two folders of its working directory. The full values are in the cell's title and the CSV.
 */
export function runPlace(run: { repository: string | null; cwd: string | null }): string | null {
  if (run.repository) {
    const path = run.repository
      .replace(/\.git$/, "")
      .replace(/^[a-z+]+:\/\/[^/]+\//i, "")
      .replace(/^[^@/]+@[^:]+:/, "");
    return path.split("/").filter(Boolean).slice(-2).join("/") || run.repository;
  }
  if (run.cwd) return run.cwd.split(/[\\/]/).filter(Boolean).slice(-2).join("/") || run.cwd;
  return null;
}

/** How a run reads in the picker: its day, title (or session id), where it ran and its cost. */
export function pickedRunLabel(run: {
  startedAt: string;
  title: string | null;
  externalId: string;
  costUsd: number;
  repository: string | null;
  cwd: string | null;
}): string {
  const place = runPlace(run);
  return `${run.startedAt.slice(0, 10)} · ${(run.title ?? run.externalId).slice(0, 70)}${place ? ` · ${place}` : ""} · ${formatUsd(run.costUsd)}`;
}
