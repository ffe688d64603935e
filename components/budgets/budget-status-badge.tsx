import type { BudgetStatus } from "@/lib/budgets/forecast";

const labels: Record<BudgetStatus, string> = {
  ok: "on track",
  warning: "warning",
  "forecast-exceeded": "forecast over",
  exceeded: "over budget",
};

/** A budget's status as a small coloured badge; `title` says which budget and how far along. */
export function BudgetStatusBadge({ status, title }: { status: BudgetStatus; title?: string }) {
  return (
    <span
      className={`badge budget-status budget-${status}`}
      title={title}
      data-testid="budget-status"
      data-status={status}
    >
      {labels[status]}
    </span>
  );
}
