import { formatInteger, formatUsd } from "@/lib/format";
import type { TopFinding } from "@/lib/waste/queries/top-findings";
import { categoryLabel } from "./category-label";

/**
 * The period's most expensive findings, one under the other (they read on a phone too): its
 * dollars, category and run, the sentence as plain text, and the link on the call to look at first.
 */
export function TopFindings({ findings }: { findings: TopFinding[] }) {
  return (
    <section className="panel">
      <h2>Top findings</h2>
      {findings.length === 0 ? (
        <p className="muted">No waste found in this period.</p>
      ) : (
        <ol className="findings">
          {findings.map((finding) => (
            <li key={finding.id} className="finding" data-testid="top-finding">
              <div className="finding-head">
                <strong>{formatUsd(finding.wastedUsd)}</strong>
                <span className="badge">{categoryLabel(finding.category)}</span>
                <span className="muted">
                  {finding.run} · {finding.day}
                </span>
              </div>
              <p>
                {finding.explanation}{" "}
                <a
                  href={`/runs/${finding.runId}${finding.firstCallOrdinal === null ? "" : `#call-${finding.firstCallOrdinal}`}`}
                  data-testid="top-finding-link"
                  className="nowrap"
                >
                  {finding.firstCallOrdinal === null
                    ? "Open the run"
                    : `Call ${formatInteger(finding.firstCallOrdinal)}`}
                </a>
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
