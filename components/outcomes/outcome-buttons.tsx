import { markRunOutcomeAction } from "@/lib/outcomes/actions";
import { outcomeStatuses } from "@/lib/outcomes/record-outcome";
import type { RunOutcome } from "@/lib/outcomes/run-outcome";

const labels: Record<(typeof outcomeStatuses)[number], string> = {
  ACCEPTED: "Accepted",
  REJECTED: "Rejected",
  ABANDONED: "Abandoned",
  PROPOSED: "Proposed",
};

/**
 * The run's outcome, what decided it (for a pull request: which one and how the run was matched),
 * and the buttons that set it by hand (recorded with who did it, audit-logged; a decision made
 * here stands against later webhooks).
 */
export function OutcomeButtons({
  runId,
  outcome,
  decision,
  canMark,
}: {
  runId: string;
  outcome: string | null;
  decision: RunOutcome | null;
  canMark: boolean;
}) {
  return (
    <div className="outcome-buttons" data-testid="run-outcome">
      <span className={`badge outcome-${(outcome ?? "none").toLowerCase()}`} data-testid="run-outcome-status">
        {outcome ? outcome.toLowerCase() : "no outcome yet"}
      </span>
      {decision ? (
        <span
          className="muted small"
          data-testid="run-outcome-explanation"
          title={`decided ${decision.decidedAt.slice(0, 19).replace("T", " ")} UTC`}
        >
          {decision.explanation}
        </span>
      ) : null}
      {canMark ? (
        <form action={markRunOutcomeAction} className="inline">
          <input type="hidden" name="runId" value={runId} />
          {outcomeStatuses
            .filter((status) => status !== outcome)
            .map((status) => (
              <button key={status} type="submit" name="status" value={status} className="secondary small">
                Mark {labels[status].toLowerCase()}
              </button>
            ))}
        </form>
      ) : null}
    </div>
  );
}
