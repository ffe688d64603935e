import { formatInteger, formatUsd } from "@/lib/format";
import type { CostAnatomy } from "@/lib/waste/cost-anatomy";
import type { RunFinding } from "@/lib/waste/queries/run-findings";
import { AnatomyBars } from "./anatomy-bar";
import { categoryLabel } from "./category-label";

/**
 * The run drill-down's waste column: each finding with its sentence, its dollars and links to the
 * calls that prove it by their number in the run (the timeline rows are `id="call-<ordinal>"`), and
 * where the run's money went.
 */
export function RunFindingsPanel({ findings, anatomy }: { findings: RunFinding[]; anatomy: CostAnatomy | null }) {
  return (
    <section className="panel" data-testid="run-findings">
      <h2>Waste in this run</h2>
      {findings.length === 0 ? (
        <p className="muted">No waste found in this run.</p>
      ) : (
        <ol className="findings">
          {findings.map((finding) => (
            <li
              key={`${finding.category}:${finding.callIds.join(",")}`}
              className="finding"
              data-testid="finding"
              data-category={finding.category}
            >
              <div className="finding-head">
                <span className="badge">{categoryLabel(finding.category)}</span>
                <strong>{formatUsd(finding.wastedUsd)}</strong>
                <span className="muted">{formatInteger(finding.wastedTokens)} tokens</span>
              </div>
              <p>{finding.explanation}</p>
              <p className="finding-calls">
                Calls:{" "}
                {finding.callOrdinals.map((ordinal) => (
                  <a key={ordinal} href={`#call-${ordinal}`} data-testid="finding-call-link">
                    call {formatInteger(ordinal)}
                  </a>
                ))}
              </p>
            </li>
          ))}
        </ol>
      )}
      {anatomy ? (
        <>
          <h3 className="anatomy-title">Where the money went</h3>
          <AnatomyBars anatomy={anatomy} />
        </>
      ) : null}
    </section>
  );
}
