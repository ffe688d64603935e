/**
 * Budget status beside the overview's owner and project rows, keyed as those rows are (owner:
 * email or display name; project: name), and the team's count of budgets per status.
 */
import type { Scope } from "@/lib/auth/scope";
import type { BudgetState } from "./budget-state";
import { listBudgetStates } from "./budgets";
import type { BudgetStatus } from "./forecast";
import { scopeTargets } from "./scope-targets";

export interface BudgetBadge {
  status: BudgetStatus;
  /** e.g. "82% of $500 this month" */
  title: string;
}

const severity: Record<BudgetStatus, number> = { ok: 0, warning: 1, "forecast-exceeded": 2, exceeded: 3 };

export interface BudgetOverview {
  owner: Record<string, BudgetBadge>;
  project: Record<string, BudgetBadge>;
  counts: Record<BudgetStatus, number>;
}

export async function budgetOverview(scope: Scope, withOwners: boolean): Promise<BudgetOverview> {
  const [states, targets] = await Promise.all([listBudgetStates(scope, { withOwners }), scopeTargets(scope)]);
  const overview: BudgetOverview = {
    owner: {},
    project: {},
    counts: { ok: 0, warning: 0, "forecast-exceeded": 0, exceeded: 0 },
  };
  for (const state of states) {
    overview.counts[state.status] += 1;
    if (state.scope.kind !== "owner" && state.scope.kind !== "project") continue;
    const list = state.scope.kind === "owner" ? targets.owners : targets.projects;
    const key = list.find((item) => item.id === state.scope.value)?.name;
    if (key === undefined) continue;
    const badges = overview[state.scope.kind];
    if (!badges[key] || severity[state.status] > severity[badges[key].status])
      badges[key] = { status: state.status, title: badgeTitle(state) };
  }
  return overview;
}

function badgeTitle(state: BudgetState): string {
  const percent = Math.round((state.spentUsd / state.amountUsd) * 100);
  return `${state.name}: ${percent}% of $${state.amountUsd.toFixed(2)} this ${state.period}`;
}
