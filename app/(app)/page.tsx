import type { Metadata } from "next";
import { SeatValueSummary } from "@/components/billing/seat-value-summary";
import { BudgetSummary } from "@/components/budgets/budget-summary";
import { RangeNotice } from "@/components/filters/range-notice";
import { GetStartedIfEmpty } from "@/components/get-started-if-empty";
import { OutcomeCostPanel } from "@/components/outcomes/outcome-cost-panel";
import { ChangeBadge } from "@/components/overview/change-badge";
import { PeriodPicker } from "@/components/overview/period-picker";
import { SpendDeltaTable } from "@/components/overview/spend-delta-table";
import { SpendPerDayPanel } from "@/components/overview/spend-per-day-panel";
import { ownerLabels } from "@/components/owner-name";
import { PageHead } from "@/components/page-head";
import { RunsTable } from "@/components/runs/runs-table";
import { maySeeEveryonesSpend } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { reconciliation } from "@/lib/billing/reconciliation";
import { seatsByPerson, seatValues } from "@/lib/billing/seats";
import { budgetOverview } from "@/lib/budgets/row-badges";
import { overviewParamsSchema, resolveOverviewPeriod } from "@/lib/dashboard/overview-period";
import { changeRatio, spendDeltas } from "@/lib/dashboard/spend-deltas";
import { addDays } from "@/lib/days";
import { formatUsd } from "@/lib/format";
import { dailySpendByGroup, stackDimensions } from "@/lib/queries/daily-spend-by-group";
import { filterChoices } from "@/lib/queries/filter-choices";
import { latestSpendDay } from "@/lib/queries/latest-spend-day";
import { runsList } from "@/lib/queries/runs-list";
import { type SpendGroup, spendByGroup, unallocatedKey } from "@/lib/queries/spend-by-group";
import { getStartedSteps } from "@/lib/queries/team-has-runs";

export const metadata: Metadata = { title: "Overview" };

const breakdowns = [
  { groupBy: "owner", title: "By owner", keyLabel: "Owner", runsFilter: "owner" },
  { groupBy: "project", title: "By project", keyLabel: "Project", runsFilter: "project" },
  { groupBy: "task", title: "By task", keyLabel: "Task", runsFilter: "task" },
  { groupBy: "model", title: "By model", keyLabel: "Model", runsFilter: "model" },
  { groupBy: "agent", title: "By agent", keyLabel: "Agent", runsFilter: "agent" },
] as const satisfies { groupBy: SpendGroup; title: string; keyLabel: string; runsFilter: string | null }[];

/** The manager's Monday: the period's spend, where it went, what changed, and what it bought. */
export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const scope = await pageScope();
  const canSeeOwners = maySeeEveryonesSpend(scope);
  const params = overviewParamsSchema.parse(await searchParams);
  // Members see team aggregates only, never one person's spend (as in GET /api/v1/spend).
  if (!canSeeOwners) params.owner = undefined;
  const filters = {
    owner: params.owner || undefined,
    project: params.project || undefined,
    agent: params.agent || undefined,
  };
  const period = resolveOverviewPeriod(params, await latestSpendDay(scope));
  const stackBy =
    params.stackBy && (params.stackBy !== "owner" || canSeeOwners)
      ? params.stackBy
      : canSeeOwners
        ? "owner"
        : "project";
  const shown = breakdowns.filter((b) => b.groupBy !== "owner" || canSeeOwners);
  const current = { from: period.from, to: period.to, ...filters };
  const previous = { from: period.previousFrom, to: period.previousTo, ...filters };

  const [groups, previousGroups, parts, topRuns, choices, projectSplit, budgets, billed, seats] = await Promise.all([
    Promise.all(shown.map((b) => spendByGroup(scope, { ...current, groupBy: b.groupBy }))),
    Promise.all(shown.map((b) => spendByGroup(scope, { ...previous, groupBy: b.groupBy }))),
    dailySpendByGroup(scope, { ...current, stackBy }),
    runsList(scope, { ...current, sort: "cost", limit: 10 }),
    filterChoices(scope),
    spendByGroup(scope, { ...current, groupBy: "project" }),
    budgetOverview(scope, canSeeOwners),
    canSeeOwners ? reconciliation(scope, { from: period.from, to: period.to, groupBy: "provider" }) : null,
    // People's seats are their spend: for those who may see owners'.
    canSeeOwners ? seatValues(scope, { from: period.from, to: period.to }) : [],
  ]);
  const total = groups[0]!.totals.costUsd;
  const previousTotal = previousGroups[0]!.totals.costUsd;
  const unallocatedOf = (rows: { key: string; costUsd: number }[]) =>
    rows.find((row) => row.key === unallocatedKey)?.costUsd ?? 0;
  const ownerIndex = shown.findIndex((b) => b.groupBy === "owner");
  const days = Array.from({ length: period.days }, (_, i) => addDays(period.from, i));
  // The runs behind a number: the same range and filters, plus the row's own key.
  const filterQuery = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as Record<
    string,
    string
  >;
  const runsHref = (filter: string, key: string) =>
    `/runs?${new URLSearchParams({ ...filterQuery, from: period.from, to: period.to, [filter]: key })}`;
  const share = (part: number) => (total === 0 ? "–" : `${((part / total) * 100).toFixed(1)}%`);

  return (
    <>
      <PageHead
        title="Overview"
        subtitle={`Spend from ${period.from} to ${period.to} (UTC), compared with ${period.previousFrom} to ${period.previousTo}`}
      />
      <RangeNotice
        note={period.note}
        hrefFor={(range) =>
          `/?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)), ...(params.stackBy ? { stackBy: params.stackBy } : {}), period: "custom", ...range })}`
        }
      />
      <GetStartedIfEmpty steps={await getStartedSteps(scope)}>
        <PeriodPicker
          period={period}
          params={params}
          canSeeOwners={canSeeOwners}
          owners={choices.owners}
          ownerLabels={ownerLabels(choices.ownerNames)}
          projects={choices.projects}
          agents={choices.agents}
        />
        <section className="panel">
          <dl className="tiles">
            <div>
              <dt>Total spend</dt>
              <dd data-testid="overview-total" data-usd={total}>
                {formatUsd(total)}
              </dd>
              <dd className="small">
                <ChangeBadge changeUsd={total - previousTotal} ratio={changeRatio(total, previousTotal)} />{" "}
                <span className="muted">vs {formatUsd(previousTotal)} before</span>
              </dd>
            </div>
            {ownerIndex >= 0 ? (
              <div>
                <dt>No owner</dt>
                <dd data-testid="unallocated-owner-share">{share(unallocatedOf(groups[ownerIndex]!.rows))}</dd>
                <dd className="small muted">{formatUsd(unallocatedOf(groups[ownerIndex]!.rows))} unallocated</dd>
              </div>
            ) : null}
            <div>
              <dt>No project</dt>
              <dd data-testid="unallocated-project-share">{share(unallocatedOf(projectSplit.rows))}</dd>
              <dd className="small muted">{formatUsd(unallocatedOf(projectSplit.rows))} unallocated</dd>
            </div>
            {billed && billed.providers.length > 0 ? (
              <div>
                <dt>Untraced bill</dt>
                <dd data-testid="overview-untraced">{formatUsd(billed.totals.untracedUsd)}</dd>
                <dd className="small muted">
                  of {formatUsd(billed.totals.billedUsd)} billed (
                  <a href={`/reconciliation?from=${period.from}&to=${period.to}`}>reconcile</a>)
                </dd>
              </div>
            ) : null}
            <div>
              <dt>Calls</dt>
              <dd>{groups[0]!.totals.calls.toLocaleString("en-US")}</dd>
            </div>
            <BudgetSummary counts={budgets.counts} />
          </dl>
        </section>
        <SpendPerDayPanel
          filters={current}
          days={days}
          dimensions={stackDimensions.filter((dimension) => dimension !== "owner" || canSeeOwners)}
          initialStackBy={stackBy}
          initialParts={parts}
          ownerLabels={ownerLabels(choices.ownerNames)}
          drillDownQuery={new URLSearchParams(filterQuery).toString()}
        />
        <OutcomeCostPanel from={period.from} to={period.to} canSeeOwners={canSeeOwners} />
        {seats.length > 0 ? <SeatValueSummary people={seatsByPerson(seats)} from={period.from} to={period.to} /> : null}
        <div className="grid-2">
          {shown.map((b, i) => (
            <SpendDeltaTable
              key={b.groupBy}
              testId={`spend-by-${b.groupBy}`}
              title={b.title}
              keyLabel={b.keyLabel}
              rows={spendDeltas(groups[i]!.rows, previousGroups[i]!.rows, total)}
              csvName={`spend-by-${b.groupBy}-${period.from}-${period.to}.csv`}
              runsLink={b.runsFilter ? (key) => runsHref(b.runsFilter, key) : undefined}
              budgetBadges={b.groupBy === "owner" || b.groupBy === "project" ? budgets[b.groupBy] : undefined}
              ownerNames={b.groupBy === "owner" ? choices.ownerNames : undefined}
            />
          ))}
        </div>
        <RunsTable
          runs={topRuns}
          title={canSeeOwners ? "Most expensive runs" : "Your most expensive runs"}
          csvName={`most-expensive-runs-${period.from}-${period.to}.csv`}
          ownerNames={choices.ownerNames}
        />
      </GetStartedIfEmpty>
    </>
  );
}
