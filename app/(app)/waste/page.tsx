import type { Metadata } from "next";
import { DateRangeFields } from "@/components/filters/date-range-fields";
import { GetStartedIfEmpty } from "@/components/get-started-if-empty";
import { PageHead } from "@/components/page-head";
import { AnatomyBars } from "@/components/waste/anatomy-bar";
import { categoryLabel } from "@/components/waste/category-label";
import { RecomputeFindings } from "@/components/waste/recompute-findings";
import { TopFindings } from "@/components/waste/top-findings";
import { WasteOverTimeChart } from "@/components/waste/waste-over-time-chart";
import { WasteSummary } from "@/components/waste/waste-summary";
import { WasteTable } from "@/components/waste/waste-table";
import { may, maySeeEveryonesSpend } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { pageDayRange } from "@/lib/queries/latest-spend-day";
import { getStartedSteps } from "@/lib/queries/team-has-runs";
import { recomputeFindingsAction } from "@/lib/waste/actions";
import { rangeCostAnatomy } from "@/lib/waste/queries/cost-anatomy";
import { topFindings } from "@/lib/waste/queries/top-findings";
import { wasteByGroup } from "@/lib/waste/queries/waste-by-group";
import { wasteOverTime } from "@/lib/waste/queries/waste-over-time";
import { latestRecomputeJob } from "@/lib/waste/recompute-job";

export const metadata: Metadata = { title: "Waste" };

export default async function WastePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const scope = await pageScope();
  const params = await searchParams;
  const { note, ...range } = await pageDayRange(scope, params, 30);
  const readAll = maySeeEveryonesSpend(scope);
  const canRecompute = may(scope, "prices:manage");
  const [byCategory, byProject, byOwner, overTime, top, anatomy, job] = await Promise.all([
    wasteByGroup(scope, { ...range, groupBy: "category" }),
    wasteByGroup(scope, { ...range, groupBy: "project" }),
    readAll ? wasteByGroup(scope, { ...range, groupBy: "owner" }) : null,
    wasteOverTime(scope, range),
    topFindings(scope, range),
    rangeCostAnatomy(scope, range),
    canRecompute ? latestRecomputeJob(scope.teamId) : null,
  ]);
  return (
    <>
      <PageHead
        title="Waste"
        subtitle={
          note ??
          `Spend with evidence that it bought nothing, with the calls that prove it: ${range.from} to ${range.to} (UTC, by run start day)`
        }
      >
        <form className="inline" method="get">
          <DateRangeFields from={range.from} to={range.to} />
          <button type="submit" className="secondary">
            Show
          </button>
        </form>
      </PageHead>
      <GetStartedIfEmpty steps={await getStartedSteps(scope)}>
        <WasteSummary result={byCategory} />
        {canRecompute ? <RecomputeFindings job={job} action={recomputeFindingsAction} /> : null}
        <section className="panel">
          <h2>Wasted dollars by category, per {overTime.bucket}</h2>
          {overTime.rows.length === 0 ? (
            <p className="muted">No waste found in this period.</p>
          ) : (
            <WasteOverTimeChart rows={overTime.rows} />
          )}
        </section>
        <TopFindings findings={top} />
        <div className="waste-grid">
          <WasteTable
            title="By category"
            keyLabel="Category"
            rows={byCategory.rows}
            label={categoryLabel}
            note="Each category is its own sum; a rejected or abandoned run also keeps its other findings, so these rows can add up to more than the total."
          />
          <WasteTable title="By project" keyLabel="Project" rows={byProject.rows} />
          {byOwner ? <WasteTable title="By owner" keyLabel="Owner" rows={byOwner.rows} /> : null}
        </div>
        <section className="panel">
          <h2>Where the money went: runs started in this period</h2>
          <h3 className="anatomy-title">Whole team</h3>
          <AnatomyBars anatomy={anatomy.team} />
          {anatomy.topRuns.map((run) => (
            <div key={run.runId}>
              <h3 className="anatomy-title">
                <a href={`/runs/${run.runId}`}>{run.run}</a>
              </h3>
              <AnatomyBars anatomy={run.anatomy} legend={false} />
            </div>
          ))}
        </section>
      </GetStartedIfEmpty>
    </>
  );
}
