import type { Metadata } from "next";
import { GetStartedIfEmpty } from "@/components/get-started-if-empty";
import { PageHead } from "@/components/page-head";
import { RunsFilterForm } from "@/components/runs/runs-filter-form";
import { RunsTable } from "@/components/runs/runs-table";
import { maySeeEveryonesSpend } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { filterChoices } from "@/lib/queries/filter-choices";
import { pageDayRange } from "@/lib/queries/latest-spend-day";
import { type RunsQuery, runsList, runsQuerySchema } from "@/lib/queries/runs-list";
import { getStartedSteps } from "@/lib/queries/team-has-runs";

export const metadata: Metadata = { title: "Runs" };

const sortLabels: Record<RunsQuery["sort"], string> = {
  cost: "most expensive first",
  startedAt: "latest first",
  calls: "most calls first",
};

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const scope = await pageScope();
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(([, value]) => value !== "" && typeof value === "string"),
  ) as Record<string, string>;
  const { note, ...range } = await pageDayRange(scope, raw, 30);
  const parsed = runsQuerySchema.safeParse({ ...raw, ...range });
  const query = parsed.success ? parsed.data : runsQuerySchema.parse(range);
  const canSeeOwners = maySeeEveryonesSpend(scope);
  const [runs, choices] = await Promise.all([runsList(scope, query), filterChoices(scope)]);
  const sortHref = (sort: RunsQuery["sort"]) => {
    const params = new URLSearchParams(
      Object.entries({ ...raw, ...(raw.from || raw.to ? range : {}), sort }).filter(([, v]) => v !== undefined) as [
        string,
        string,
      ][],
    );
    return `/runs?${params}`;
  };
  return (
    <>
      <PageHead
        title="Runs"
        subtitle={`${canSeeOwners ? "Agent sessions" : "Your agent sessions"} started ${query.from} to ${query.to} (UTC)${note ? ` (${note})` : ""}, ${sortLabels[query.sort]}`}
      />
      <GetStartedIfEmpty steps={await getStartedSteps(scope)}>
        <RunsFilterForm query={query} choices={choices} canSeeOwners={canSeeOwners} />
        <RunsTable
          runs={runs}
          title={`${runs.length === query.limit ? `First ${query.limit}` : runs.length} runs`}
          csvName={`runs-${query.from}-${query.to}.csv`}
          sort={query.sort}
          sortHref={sortHref}
          ownerNames={choices.ownerNames}
        />
      </GetStartedIfEmpty>
    </>
  );
}
