import type { PersonActivity } from "@/lib/billing/claude-code-activity";
import { formatInteger, formatUsd } from "@/lib/format";

/** Claude Code analytics per person over the period, matched to the team's people by email. */
export function ClaudeCodeActivityTable({ rows }: { rows: PersonActivity[] }) {
  return (
    <section className="panel" data-testid="claude-code-activity">
      <h2>People&apos;s Claude Code activity</h2>
      {rows.length === 0 ? (
        <p className="muted">No Claude Code analytics in this period (an Anthropic billing source brings them).</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Person</th>
                <th>Plan</th>
                <th className="num">Days</th>
                <th className="num">Sessions</th>
                <th className="num">Lines added</th>
                <th className="num">Lines removed</th>
                <th className="num">Commits</th>
                <th className="num">Pull requests</th>
                <th className="num">Estimated cost</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.actor}>
                  <td>
                    {row.person ?? <span className="muted">no person</span>}{" "}
                    <span className="small muted">{row.actor}</span>
                  </td>
                  <td>{row.customerType}</td>
                  <td className="num">{row.days}</td>
                  <td className="num">{formatInteger(row.sessions)}</td>
                  <td className="num">{formatInteger(row.linesAdded)}</td>
                  <td className="num">{formatInteger(row.linesRemoved)}</td>
                  <td className="num">{formatInteger(row.commits)}</td>
                  <td className="num">{formatInteger(row.pullRequests)}</td>
                  <td className="num">{formatUsd(row.estimatedCostUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
