import type { Metadata } from "next";
import {
  PackageSummary,
  ProjectDetail,
  ProjectTable,
  RecommendationList,
} from "@/components/context-package/context-package-panels";
import { DateRangeFields } from "@/components/filters/date-range-fields";
import { GetStartedIfEmpty } from "@/components/get-started-if-empty";
import { PageHead } from "@/components/page-head";
import { pageScope } from "@/lib/auth/scope";
import { contextPackageReport, type ProjectPackage } from "@/lib/context-package/report";
import { pageDayRange } from "@/lib/queries/latest-spend-day";
import { getStartedSteps } from "@/lib/queries/team-has-runs";

export const metadata: Metadata = { title: "Context" };

export default async function ContextPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const scope = await pageScope();
  const params = await searchParams;
  const { note, ...range } = await pageDayRange(scope, params, 30);
  const report = await contextPackageReport(scope, { ...range, groupBy: "project" });
  const projects = report.rows as ProjectPackage[];
  const wanted = typeof params.project === "string" ? params.project : null;
  const selected = projects.find((project) => project.key === wanted) ?? projects[0] ?? null;
  const linkFor = (project: string) =>
    `/context?${new URLSearchParams({ from: range.from, to: range.to, project }).toString()}`;
  return (
    <>
      <PageHead
        title="Context"
        subtitle={
          note ??
          `What every call carries before the work starts, and what it costs: runs started ${range.from} to ${range.to} (UTC)`
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
        <PackageSummary totals={report.totals} />
        {projects.length === 0 ? (
          <p className="muted">No runs started in this period.</p>
        ) : (
          <>
            <RecommendationList title="Recommendations" recommendations={report.recommendations} />
            <ProjectTable projects={projects} selected={selected?.key ?? null} linkFor={linkFor} />
            {selected ? (
              <ProjectDetail
                project={selected}
                recommendations={report.recommendations.filter((r) => r.project === selected.key)}
              />
            ) : null}
          </>
        )}
      </GetStartedIfEmpty>
    </>
  );
}
