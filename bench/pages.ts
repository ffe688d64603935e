/**
 * Each dashboard page's server work, as the page runs it: the same functions with the same
 * arguments, awaited in the same order (sequential awaits stay sequential, Promise.all stays
 * parallel), for a signed-in admin. What is left out: the session lookup (pageScope) and the
 * layout's invitations query, the same for every page, and React's rendering. The overview also
 * gets the two GET /api/v1/outcomes/cost calls its outcome panel makes as soon as it loads.
 * Kept beside app/(app)/<page>/page.tsx: a change to a page's queries belongs here too.
 */
import type { Scope } from "@/lib/auth/scope";
import { listBillingSources } from "@/lib/billing/billing-sources";
import { claudeCodeActivity } from "@/lib/billing/claude-code-activity";
import { reconciliation } from "@/lib/billing/reconciliation";
import { seatValues } from "@/lib/billing/seats";
import { budgetChannels, listBudgetStates, teamTimeZone } from "@/lib/budgets/budgets";
import { deliveryLog } from "@/lib/budgets/deliver";
import { budgetOverview } from "@/lib/budgets/row-badges";
import { scopeTargets } from "@/lib/budgets/scope-targets";
import { cohortChoices } from "@/lib/compare/cohort-choices";
import { escapeCohortValue } from "@/lib/compare/cohort-spec";
import { compareCohorts, compareQuerySchema } from "@/lib/compare/compare-cohorts";
import { contextPackageReport } from "@/lib/context-package/report";
import { overviewParamsSchema, resolveOverviewPeriod } from "@/lib/dashboard/overview-period";
import { addDays } from "@/lib/days";
import { teamDb } from "@/lib/db/team-db";
import { runOutcome } from "@/lib/outcomes/run-outcome";
import { costPerOutcome } from "@/lib/queries/cost-per-outcome";
import { dailySpendByGroup } from "@/lib/queries/daily-spend-by-group";
import { filterChoices } from "@/lib/queries/filter-choices";
import { latestSpendDay, pageDayRange } from "@/lib/queries/latest-spend-day";
import { mergeSuggestions } from "@/lib/queries/merge-suggestions";
import { ownershipSetup } from "@/lib/queries/ownership-setup";
import { projectContextCurve } from "@/lib/queries/project-context-curve";
import { runAttribution } from "@/lib/queries/run-attribution";
import { runDetail } from "@/lib/queries/run-detail";
import { runsList, runsQuerySchema } from "@/lib/queries/runs-list";
import { type SpendGroup, spendByGroup } from "@/lib/queries/spend-by-group";
import { getStartedSteps } from "@/lib/queries/team-has-runs";
import { unallocatedGroups } from "@/lib/queries/unallocated-groups";
import { rangeCostAnatomy, runCostAnatomy } from "@/lib/waste/queries/cost-anatomy";
import { runFindings } from "@/lib/waste/queries/run-findings";
import { topFindings } from "@/lib/waste/queries/top-findings";
import { wasteByGroup } from "@/lib/waste/queries/waste-by-group";
import { wasteOverTime } from "@/lib/waste/queries/waste-over-time";
import { latestRecomputeJob } from "@/lib/waste/recompute-job";

/** What a page shows without a range in its URL: `days` ending today, or on the last day with spend. */
async function defaultRange(scope: Scope, days: number) {
  const { from, to } = await pageDayRange(scope, {}, days);
  return { from, to };
}

/** The page's server work for a range of `days` ending on the last day of data. */
export function pageWork(scope: Scope, days: number, runId: string): Record<string, () => Promise<unknown>> {
  return {
    overview: async () => {
      const lastDay = await latestSpendDay(scope);
      const period = resolveOverviewPeriod(
        overviewParamsSchema.parse({ period: "custom", from: addDays(lastDay!, -(days - 1)), to: lastDay }),
        lastDay,
      );
      const groups: SpendGroup[] = ["owner", "project", "task", "model", "agent"];
      const current = { from: period.from, to: period.to };
      const previous = { from: period.previousFrom, to: period.previousTo };
      await Promise.all([
        Promise.all(groups.map((groupBy) => spendByGroup(scope, { ...current, groupBy }))),
        Promise.all(groups.map((groupBy) => spendByGroup(scope, { ...previous, groupBy }))),
        dailySpendByGroup(scope, { ...current, stackBy: "owner" }),
        runsList(scope, { ...current, sort: "cost", limit: 10 }),
        filterChoices(scope),
        spendByGroup(scope, { ...current, groupBy: "project" }),
        budgetOverview(scope, true),
        reconciliation(scope, { ...current, groupBy: "provider" }),
      ]);
      await getStartedSteps(scope);
      // The outcome panel's two requests as soon as it loads (components/outcomes/outcome-cost-panel.tsx).
      await Promise.all([
        costPerOutcome(scope, { from: addDays(period.to, -(12 * 7 - 1)), to: period.to, groupBy: "week" }),
        costPerOutcome(scope, { ...current, groupBy: "project" }),
      ]);
    },
    runs: async () => {
      const range = await defaultRange(scope, days);
      await Promise.all([runsList(scope, runsQuerySchema.parse(range)), filterChoices(scope)]);
      await getStartedSteps(scope);
    },
    waste: async () => {
      const range = await defaultRange(scope, days);
      await Promise.all([
        wasteByGroup(scope, { ...range, groupBy: "category" }),
        wasteByGroup(scope, { ...range, groupBy: "project" }),
        wasteByGroup(scope, { ...range, groupBy: "owner" }),
        wasteOverTime(scope, range),
        topFindings(scope, range),
        // The cost anatomy, from the rollup (lib/waste/queries/cost-anatomy.ts).
        rangeCostAnatomy(scope, range),
        latestRecomputeJob(scope.teamId),
      ]);
      await getStartedSteps(scope);
    },
    context: async () => {
      const range = await defaultRange(scope, days);
      await contextPackageReport(scope, { ...range, groupBy: "project" });
      await getStartedSteps(scope);
    },
    "workflows compare": async () => {
      const range = await defaultRange(scope, days);
      const choices = await cohortChoices(scope, range);
      const cohorts = choices.topModels.map((model) => `model:${escapeCohortValue(model)}`);
      await compareCohorts(scope, compareQuerySchema.parse({ ...range, cohort: cohorts, match: "project" }));
      await getStartedSteps(scope);
    },
    "billing reconciliation": async () => {
      const range = await defaultRange(scope, days);
      await Promise.all([
        reconciliation(scope, { ...range, groupBy: "day" }),
        reconciliation(scope, { ...range, groupBy: "model" }),
        reconciliation(scope, { ...range, groupBy: "provider" }),
        listBillingSources(scope),
        seatValues(scope, range),
        claudeCodeActivity(scope, range),
        teamDb(scope).person.findMany({ select: { id: true, displayName: true, email: true } }),
      ]);
    },
    budgets: async () => {
      const [states] = await Promise.all([
        listBudgetStates(scope, { withOwners: true, pastPeriods: 6 }),
        scopeTargets(scope),
        teamTimeZone(scope.teamId),
      ]);
      await Promise.all(
        states.map(async (state) => ({
          channels: await budgetChannels(scope, state.id),
          log: await deliveryLog(scope.teamId, state.id, 20),
        })),
      );
    },
    "people and projects (ownership)": async () => {
      await Promise.all([ownershipSetup(scope), unallocatedGroups(scope), mergeSuggestions(scope)]);
      await getStartedSteps(scope);
    },
    "run drill-down (5,000 calls)": async () => {
      const detail = await runDetail(scope, runId);
      await Promise.all([
        projectContextCurve(scope, detail!.run.projectId),
        runOutcome(scope, runId),
        runAttribution(scope, runId),
        runFindings(scope, runId),
        runCostAnatomy(scope, runId),
      ]);
    },
  };
}
