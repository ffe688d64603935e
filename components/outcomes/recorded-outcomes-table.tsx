import Link from "next/link";
import { CsvDownloadButton } from "@/components/export/csv-download-button";
import { formatUsd } from "@/lib/format";
import type { RecordedOutcome } from "@/lib/queries/recorded-outcomes";
import { outcomeSourceLabels } from "./outcome-sources";

/** Each run's latest decision in the period, newest first, with its source and evidence. */
export function RecordedOutcomesTable({
  outcomes,
  total,
  csvName,
}: {
  outcomes: RecordedOutcome[];
  total: number;
  csvName: string;
}) {
  return (
    <section className="panel" data-testid="recorded-outcomes">
      <div className="panel-head">
        <h2>
          Recorded outcomes{" "}
          <span className="muted small">
            {outcomes.length < total ? `latest ${outcomes.length} of ${total}` : `${total}`}
          </span>
        </h2>
        <CsvDownloadButton
          filename={csvName}
          header={["runId", "run", "status", "source", "pullRequest", "evidence", "decidedAt", "decidedBy", "costUsd"]}
          rows={outcomes.map((o) => [
            o.runId,
            o.runTitle,
            o.status,
            o.source,
            o.pullRequest,
            o.evidence,
            o.decidedAt,
            o.decidedBy,
            o.costUsd,
          ])}
        />
      </div>
      {outcomes.length === 0 ? (
        <p className="muted">No outcome was recorded in this period.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Decided (UTC)</th>
                <th>Run</th>
                <th>Outcome</th>
                <th>Source</th>
                <th>Evidence</th>
                <th className="num">Run cost</th>
              </tr>
            </thead>
            <tbody>
              {outcomes.map((o) => (
                <tr key={o.runId} data-testid="recorded-outcome" data-source={o.source}>
                  <td className="nowrap">{o.decidedAt.slice(0, 16).replace("T", " ")}</td>
                  <td className="run-title">
                    <Link href={`/runs/${o.runId}`}>{o.runTitle}</Link>
                  </td>
                  <td>
                    <span className={`badge outcome-${o.status.toLowerCase()}`}>{o.status.toLowerCase()}</span>
                  </td>
                  <td>
                    {outcomeSourceLabels[o.source] ?? o.source}
                    {o.decidedBy ? <span className="provenance"> · {o.decidedBy}</span> : null}
                  </td>
                  <td className="muted small">
                    {o.pullRequest ? `PR ${o.pullRequest}` : null}
                    {o.pullRequest && o.evidence ? " · " : null}
                    {o.evidence}
                  </td>
                  <td className="num">{formatUsd(o.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
