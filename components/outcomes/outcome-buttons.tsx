import { markRunOutcomeAction } from "@/app/(app)/runs/[id]/actions";
import { outcomeStatuses } from "@/lib/outcomes/record-outcome";

const labels: Record<(typeof outcomeStatuses)[number], string> = { ACCEPTED: "Accepted", REJECTED: "Rejected", ABANDONED: "Abandoned", PROPOSED: "Proposed" };

/** The run's outcome and the buttons that set it by hand (recorded with who did it, audit-logged). */
export function OutcomeButtons({ runId, outcome, canMark }: { runId: string; outcome: string | null; canMark: boolean }) {
  return (
    <div className="outcome-buttons" data-testid="run-outcome">
      <span className={`badge outcome-${(outcome ?? "none").toLowerCase()}`} data-testid="run-outcome-status">
        {outcome ? outcome.toLowerCase() : "no outcome yet"}
      </span>
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
