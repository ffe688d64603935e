import { formatInteger, formatUsd } from "@/lib/format";
import type { RunSummary } from "@/lib/queries/runs-list";

export function RunsTable({ runs }: { runs: RunSummary[] }) {
  if (runs.length === 0) return <p className="panel muted">No runs started in this period.</p>;
  return (
    <section className="panel">
      <table>
        <thead>
          <tr>
            <th>Started (UTC)</th>
            <th>Run</th>
            <th>Model</th>
            <th>Owner</th>
            <th>Project</th>
            <th className="num">Calls</th>
            <th className="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>{run.startedAt.slice(0, 16).replace("T", " ")}</td>
              <td>{run.title ?? run.externalId}</td>
              <td>{run.model}</td>
              <td>{run.owner ?? <span className="muted">unallocated</span>}</td>
              <td>{run.project ?? <span className="muted">unallocated</span>}</td>
              <td className="num">{formatInteger(run.calls)}</td>
              <td className="num">{formatUsd(run.costUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
