import Link from "next/link";
import { CsvDownloadButton } from "@/components/export/csv-download-button";
import { OwnerNameText } from "@/components/owner-name";
import { formatInteger, formatUsd } from "@/lib/format";
import type { OwnerName } from "@/lib/queries/filter-choices";
import type { RunSummary, RunsQuery } from "@/lib/queries/runs-list";
import { runPlace } from "@/lib/runs/run-place";

const header = [
  "id",
  "externalId",
  "startedAt",
  "title",
  "repository",
  "cwd",
  "owner",
  "project",
  "task",
  "model",
  "outcome",
  "calls",
  "costUsd",
];

/** Runs with links to their drill-down; with `sortHref`, the cost, start and calls headers sort. */
export function RunsTable({
  runs,
  title,
  csvName,
  sort,
  sortHref,
  ownerNames,
  emptyText = "No runs started in this period.",
}: {
  runs: RunSummary[];
  /** Owners by their display name with the email beside (owner keys are emails or names). */
  ownerNames?: Record<string, OwnerName>;
  title: string;
  /** What an empty list says. */
  emptyText?: string;
  csvName: string;
  sort?: RunsQuery["sort"];
  sortHref?: (sort: RunsQuery["sort"]) => string;
}) {
  const sortable = (label: string, key: RunsQuery["sort"], numeric = false) => (
    <th className={numeric ? "num" : undefined} aria-sort={sort === key ? "descending" : undefined}>
      {sortHref ? (
        <Link href={sortHref(key)}>
          {label}
          {sort === key ? " ▼" : ""}
        </Link>
      ) : (
        label
      )}
    </th>
  );
  return (
    <section className="panel" data-testid="runs-table">
      <div className="panel-head">
        <h2>{title}</h2>
        <CsvDownloadButton
          filename={csvName}
          header={header}
          rows={runs.map((run) => [
            run.id,
            run.externalId,
            run.startedAt,
            run.title,
            run.repository,
            run.cwd,
            run.owner,
            run.project,
            run.task,
            run.model,
            run.outcome,
            run.calls,
            run.costUsd,
          ])}
        />
      </div>
      {runs.length === 0 ? (
        <p className="muted">{emptyText}</p>
      ) : (
        <table>
          <thead>
            <tr>
              {sortable("Started (UTC)", "startedAt")}
              <th>Run</th>
              <th>Repository / folder</th>
              <th>Model</th>
              <th>Owner</th>
              <th>Project</th>
              <th>Outcome</th>
              {sortable("Calls", "calls", true)}
              {sortable("Cost", "cost", true)}
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id} data-testid="run-row">
                <td className="nowrap">{run.startedAt.slice(0, 16).replace("T", " ")}</td>
                <td className="run-title">
                  <Link href={`/runs/${run.id}`}>{run.title ?? run.externalId}</Link>
                </td>
                <td className="run-place" title={[run.repository, run.cwd].filter(Boolean).join("\n") || undefined}>
                  {runPlace(run) ?? <span className="muted">–</span>}
                </td>
                <td>{run.model}</td>
                <td>
                  {run.owner ? (
                    ownerNames ? (
                      <OwnerNameText owner={run.owner} names={ownerNames} />
                    ) : (
                      run.owner
                    )
                  ) : (
                    <span className="muted">unallocated</span>
                  )}
                </td>
                <td>{run.project ?? <span className="muted">unallocated</span>}</td>
                <td>
                  {run.outcome ? (
                    <span className={`badge outcome-${run.outcome.toLowerCase()}`}>{run.outcome.toLowerCase()}</span>
                  ) : (
                    <span className="muted">–</span>
                  )}
                </td>
                <td className="num">{formatInteger(run.calls)}</td>
                <td className="num">{formatUsd(run.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
