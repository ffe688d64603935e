import type { Metadata } from "next";
import { CohortTrendChart } from "@/components/compare/cohort-trend-chart";
import { ComparisonTable } from "@/components/compare/comparison-table";
import { SavedFiltersPanel } from "@/components/compare/saved-filters-panel";
import { CsvDownloadButton } from "@/components/export/csv-download-button";
import { DateRangeFields } from "@/components/filters/date-range-fields";
import { RangeNotice } from "@/components/filters/range-notice";
import { GetStartedIfEmpty } from "@/components/get-started-if-empty";
import { PageHead } from "@/components/page-head";
import { pageScope } from "@/lib/auth/scope";
import { cohortChoices } from "@/lib/compare/cohort-choices";
import { escapeCohortValue, MAX_COHORTS } from "@/lib/compare/cohort-spec";
import {
  type CompareResult,
  compareCohorts,
  compareCsvHeader,
  compareCsvRows,
  compareQuerySchema,
  namedCohorts,
} from "@/lib/compare/compare-cohorts";
import { listSavedFilters, mayManageSavedFilters } from "@/lib/compare/saved-filters";
import { HttpError } from "@/lib/http/errors";
import { pageDayRange } from "@/lib/queries/latest-spend-day";
import { getStartedSteps } from "@/lib/queries/team-has-runs";

export const metadata: Metadata = { title: "Compare workflows" };

/** Days of the default range: comparisons need more runs than a month usually has. */
const DEFAULT_DAYS = 90;
/** Cohort fields the form shows (filled ones plus empty ones up to this). */
const COHORT_FIELDS = 4;

/** Cohorts of runs side by side by cost per accepted outcome, like for like within projects, with a verdict. */
export default async function CompareWorkflowsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const scope = await pageScope();
  const params = await searchParams;
  const { note, ...range } = await pageDayRange(scope, params, DEFAULT_DAYS);
  const [choices, savedFilters] = await Promise.all([cohortChoices(scope, range), listSavedFilters(scope)]);
  const asked = namedCohorts(params.cohort);
  const match = params.match === "none" ? "none" : "project";
  const cohorts = asked.length > 0 ? asked : choices.topModels.map((model) => `model:${escapeCohortValue(model)}`);
  let result: CompareResult | null = null;
  let problem: string | null = null;
  if (cohorts.length >= 2) {
    const query = compareQuerySchema.safeParse({ ...range, cohort: cohorts, match });
    if (!query.success) problem = query.error.issues.map((issue) => issue.message).join("; ");
    else {
      try {
        result = await compareCohorts(scope, query.data);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        problem = error.message;
      }
    }
  } else if (asked.length === 1) problem = "pick at least two cohorts";
  const fields = [
    ...cohorts.slice(0, MAX_COHORTS),
    ...Array.from({ length: Math.max(0, COHORT_FIELDS - cohorts.length) }, () => ""),
  ];
  return (
    <>
      <PageHead
        title="Compare workflows"
        subtitle={`Did a switch of model, agent or project lower the cost per accepted outcome? Runs started ${range.from} to ${range.to} (UTC)`}
      />
      <RangeNotice
        note={note}
        hrefFor={(shown) =>
          `/workflows?${new URLSearchParams([...cohorts.map((cohort) => ["cohort", cohort]), ["from", shown.from], ["to", shown.to]])}`
        }
      />
      <GetStartedIfEmpty steps={await getStartedSteps(scope)}>
        <section className="panel">
          <form method="get" action="/workflows" className="inline" data-testid="cohort-form">
            {fields.map((value, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the fields are positions (Cohort 1, 2, ...), not items
              <label key={i}>
                Cohort {i + 1}
                <input
                  name="cohort"
                  defaultValue={value}
                  list="cohort-choices"
                  placeholder="model:claude-opus-4-6"
                  size={28}
                  data-testid={`cohort-${i + 1}`}
                />
              </label>
            ))}
            <datalist id="cohort-choices">
              {choices.choices.map((choice) => (
                <option key={choice.spec} value={choice.spec} label={choice.note ?? undefined} />
              ))}
            </datalist>
            <DateRangeFields from={range.from} to={range.to} />
            <label>
              Match
              <select name="match" defaultValue={match}>
                <option value="project">like for like within projects</option>
                <option value="none">no matching (raw)</option>
              </select>
            </label>
            <button type="submit">Compare</button>
          </form>
          <p className="muted small">
            A cohort is one or more of <code>model:</code> (the run&apos;s main model), <code>source:</code> (the
            agent), <code>project:</code>, <code>owner:</code>, <code>tag:key=value</code> (a telemetry resource
            attribute or native tag), <code>instructions:CLAUDE.md@version</code> (a version of an instruction file the
            run read; without <code>@version</code> any), <code>filter:name</code> (a saved filter),{" "}
            <code>after:YYYY-MM-DD</code>, <code>before:YYYY-MM-DD</code>, joined by commas (
            <code>model:claude-opus-4-6,after:2026-11-10</code>).
          </p>
        </section>
        {problem ? (
          <p className="notice error" data-testid="compare-problem">
            {problem}
          </p>
        ) : null}
        {result ? (
          <>
            <section className="panel">
              <h2>Verdict</h2>
              <p
                className={`notice ${result.verdict.kind === "winner" ? "ok" : "preview"}`}
                data-testid="compare-verdict"
              >
                {result.verdict.text}
              </p>
              {result.sharedRuns > 0 ? (
                <p className="muted small">
                  {result.sharedRuns} runs are in more than one cohort; the intervals treat the cohorts as independent,
                  so read them with care.
                </p>
              ) : null}
            </section>
            <section className="panel">
              <div className="panel-head">
                <h2>Side by side</h2>
                <CsvDownloadButton
                  filename={`compare-workflows-${range.from}-${range.to}.csv`}
                  header={compareCsvHeader}
                  rows={compareCsvRows(result)}
                />
              </div>
              <ComparisonTable result={result} />
              <p className="muted small" data-testid="compare-matching">
                {result.matching.description}
                {result.matching.strata.length > 0
                  ? ` Projects: ${result.matching.strata.map((s) => `${s.key} (${(s.weight * 100).toFixed(0)}%)`).join(", ")}.`
                  : ""}
                {result.matching.unmatchedRuns.some((n) => n > 0)
                  ? ` Left out: ${result.cohorts.map((c, i) => `${result!.matching.unmatchedRuns[i]} runs of ${c.label}`).join(", ")}.`
                  : ""}
              </p>
            </section>
            <section className="panel">
              <h2>Cost per accepted outcome by week</h2>
              <CohortTrendChart
                cohorts={result.cohorts.map(({ label, weeks }) => ({ label, weeks }))}
                from={range.from}
                to={range.to}
              />
              <p className="muted small">
                By the week each run started, each cohort&apos;s own runs (not matched); a gap is a week that accepted
                nothing.
              </p>
            </section>
            <section className="panel">
              <h2>Method and limits</h2>
              <p className="small">
                {result.method.interval} A winner is named only when each cohort has at least {result.method.minRuns}{" "}
                runs and {result.method.minAccepted} accepted outcomes and the cheapest cohort&apos;s 95% interval lies
                below every other&apos;s. {result.method.moreRunsRule} Outcomes are the runs&apos; latest decisions;
                runs not decided count as not accepted. Matching by project cannot see differences of task within a
                project.
              </p>
            </section>
          </>
        ) : null}
        <SavedFiltersPanel filters={savedFilters} canManage={mayManageSavedFilters(scope)} />
      </GetStartedIfEmpty>
    </>
  );
}
