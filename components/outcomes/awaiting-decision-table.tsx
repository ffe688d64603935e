import Link from "next/link";
import { OwnerNameText } from "@/components/owner-name";
import { formatUsd } from "@/lib/format";
import type { OwnerName } from "@/lib/queries/filter-choices";
import type { RunSummary } from "@/lib/queries/runs-list";
import { runPlace } from "@/lib/runs/run-place";
import { OutcomeButtons } from "./outcome-buttons";

/** Runs no one has decided yet, proposed ones first, each with the buttons that decide it. */
export function AwaitingDecisionTable({
  runs,
  proposed,
  undecided,
  canMark,
  ownerNames,
}: {
  runs: RunSummary[];
  proposed: number;
  undecided: number;
  canMark: boolean;
  ownerNames: Record<string, OwnerName>;
}) {
  return (
    <section className="panel" data-testid="awaiting-decision">
      <div className="panel-head">
        <h2>Runs awaiting a decision</h2>
        <span className="muted small">
          {proposed} proposed (committed or opened a pull request), {undecided} with no outcome; most expensive first
        </span>
      </div>
      {runs.length === 0 ? (
        <p className="muted">Every run started in this period has an outcome.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Started (UTC)</th>
                <th>Run</th>
                <th>Repository / folder</th>
                <th>Owner</th>
                <th className="num">Cost</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id} data-testid="awaiting-run">
                  <td className="nowrap">{run.startedAt.slice(0, 16).replace("T", " ")}</td>
                  <td className="run-title">
                    <Link href={`/runs/${run.id}`}>{run.title ?? run.externalId}</Link>
                  </td>
                  <td>{runPlace(run) ?? <span className="muted">–</span>}</td>
                  <td>
                    {run.owner ? (
                      <OwnerNameText owner={run.owner} names={ownerNames} />
                    ) : (
                      <span className="muted">unallocated</span>
                    )}
                  </td>
                  <td className="num">{formatUsd(run.costUsd)}</td>
                  <td>
                    <OutcomeButtons runId={run.id} outcome={run.outcome} decision={null} canMark={canMark} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
