import Link from "next/link";
import type { BudgetStatus } from "@/lib/budgets/forecast";
import { BudgetStatusBadge } from "./budget-status-badge";

/** The overview's tile: how many budgets stand where, linking to the Budgets page. Nothing without budgets. */
export function BudgetSummary({ counts }: { counts: Record<BudgetStatus, number> }) {
  const shown = (["exceeded", "forecast-exceeded", "warning", "ok"] as const).filter((status) => counts[status] > 0);
  if (shown.length === 0) return null;
  return (
    <div data-testid="overview-budgets">
      <dt>
        <Link href="/budgets">Budgets</Link>
      </dt>
      <dd className="small">
        {shown.map((status) => (
          <span key={status} className="nowrap">
            {counts[status]} <BudgetStatusBadge status={status} />{" "}
          </span>
        ))}
      </dd>
    </div>
  );
}
