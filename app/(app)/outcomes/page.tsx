import type { Metadata } from "next";
import { DateRangeFields } from "@/components/filters/date-range-fields";
import { RangeNotice } from "@/components/filters/range-notice";
import { GetStartedIfEmpty } from "@/components/get-started-if-empty";
import { AwaitingDecisionTable } from "@/components/outcomes/awaiting-decision-table";
import { OutcomeCostPanel } from "@/components/outcomes/outcome-cost-panel";
import { outcomeSourceLabels } from "@/components/outcomes/outcome-sources";
import { RecordedOutcomesTable } from "@/components/outcomes/recorded-outcomes-table";
import { PageHead } from "@/components/page-head";
import { may, maySeeEveryonesSpend } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { resolveOverviewPeriod } from "@/lib/dashboard/overview-period";
import { filterChoices } from "@/lib/queries/filter-choices";
import { latestSpendDay } from "@/lib/queries/latest-spend-day";
import { recordedOutcomes } from "@/lib/queries/recorded-outcomes";
import { runsAwaitingDecision } from "@/lib/queries/runs-awaiting-decision";
import { getStartedSteps } from "@/lib/queries/team-has-runs";

export const metadata: Metadata = { title: "Outcomes" };

const sources = ["github", "manual", "api", "tool-call"] as const;

/** What the spend bought: decisions and where they came from, runs still to decide, and the cost per accepted outcome. */
export default async function OutcomesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const scope = await pageScope();
  const raw = await searchParams;
  const text = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);
  // The overview's range rule, so a link from one to the other shows the same days.
  const period = resolveOverviewPeriod({ from: text(raw.from), to: text(raw.to) }, await latestSpendDay(scope));
  const range = { from: period.from, to: period.to };
  const canSeeOwners = maySeeEveryonesSpend(scope);
  const [recorded, awaiting, choices] = await Promise.all([
    recordedOutcomes(scope, range),
    runsAwaitingDecision(scope, range),
    filterChoices(scope),
  ]);
  const decided = recorded.bySource.reduce((sum, row) => sum + row.count, 0);
  const countOf = (source: string) =>
    recorded.bySource.filter((row) => row.source === source).reduce((sum, row) => sum + row.count, 0);
  const acceptedFrom = (source: string) =>
    recorded.bySource.find((row) => row.source === source && row.status === "ACCEPTED")?.count ?? 0;
  return (
    <>
      <PageHead
        title="Outcomes"
        subtitle={`${canSeeOwners ? "Decisions" : "Decisions on your runs"} made from ${period.from} to ${period.to} (UTC), and the runs started then that await one`}
      />
      <RangeNotice note={period.note} hrefFor={(shown) => `/outcomes?${new URLSearchParams({ ...shown })}`} />
      <GetStartedIfEmpty steps={await getStartedSteps(scope)}>
        <section className="panel">
          <form method="get" action="/outcomes" className="inline" data-testid="outcomes-range">
            <DateRangeFields from={period.from} to={period.to} />
            <button type="submit">Show</button>
          </form>
          <dl className="tiles" data-testid="outcome-sources">
            <div>
              <dt>Decided</dt>
              <dd>{decided}</dd>
              <dd className="small muted">runs, latest decision in the period</dd>
            </div>
            {sources.map((source) => (
              <div key={source} data-testid={`outcome-source-${source}`}>
                <dt>{outcomeSourceLabels[source]}</dt>
                <dd>{countOf(source)}</dd>
                <dd className="small muted">{acceptedFrom(source)} accepted</dd>
              </div>
            ))}
            <div>
              <dt>Awaiting a decision</dt>
              <dd data-testid="awaiting-count">{awaiting.proposed + awaiting.undecided}</dd>
              <dd className="small muted">{awaiting.proposed} proposed</dd>
            </div>
          </dl>
        </section>
        <OutcomeCostPanel from={period.from} to={period.to} canSeeOwners={canSeeOwners} />
        <RecordedOutcomesTable
          outcomes={recorded.outcomes}
          total={decided}
          csvName={`outcomes-${period.from}-${period.to}.csv`}
        />
        <AwaitingDecisionTable
          runs={awaiting.runs}
          proposed={awaiting.proposed}
          undecided={awaiting.undecided}
          canMark={may(scope, "outcomes:write")}
          ownerNames={choices.ownerNames}
        />
      </GetStartedIfEmpty>
    </>
  );
}
