import { formatUsd } from "@/lib/format";
import type { TopFinding } from "@/lib/waste/queries/top-findings";
import { categoryLabel } from "./category-label";

/** The period's most expensive findings, each opening its run at the call to look at first. */
export function TopFindings({ findings }: { findings: TopFinding[] }) {
  return (
    <section className="panel">
      <h2>Top findings</h2>
      {findings.length === 0 ? (
        <p className="muted">No waste found in this period.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th className="num">Wasted</th>
              <th>Category</th>
              <th>What happened</th>
              <th>Run</th>
            </tr>
          </thead>
          <tbody>
            {findings.map((finding) => (
              <tr key={`${finding.runId}:${finding.category}:${finding.firstCallId}`} data-testid="top-finding">
                <td className="num">{formatUsd(finding.wastedUsd)}</td>
                <td>
                  <span className="badge">{categoryLabel(finding.category)}</span>
                </td>
                <td>
                  <a
                    href={`/runs/${finding.runId}${finding.firstCallOrdinal === null ? "" : `#call-${finding.firstCallOrdinal}`}`}
                    data-testid="top-finding-link"
                  >
                    {finding.explanation}
                  </a>
                </td>
                <td className="finding-run">
                  {finding.run}
                  <div className="muted">{finding.day}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
