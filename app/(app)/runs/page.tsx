import type { Metadata } from "next";
import Link from "next/link";
import { RangeNotice } from "@/components/filters/range-notice";
import { GetStartedIfEmpty } from "@/components/get-started-if-empty";
import { PageHead } from "@/components/page-head";
import { RunsFilterForm } from "@/components/runs/runs-filter-form";
import { RunsTable } from "@/components/runs/runs-table";
import { maySeeEveryonesSpend } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { formatInteger } from "@/lib/format";
import { filterChoices } from "@/lib/queries/filter-choices";
import { pageDayRange } from "@/lib/queries/latest-spend-day";
import { type RunsQuery, runsPage, runsQuerySchema } from "@/lib/queries/runs-list";
import { getStartedSteps } from "@/lib/queries/team-has-runs";

export const metadata: Metadata = { title: "Runs" };

const sortLabels: Record<RunsQuery["sort"], string> = {
  cost: "most expensive first",
  startedAt: "latest first",
  calls: "most calls first",
};

const PAGE_SIZE = 100;

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const scope = await pageScope();
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(([, value]) => value !== "" && typeof value === "string"),
  ) as Record<string, string>;
  // The overview's days by default: the last 7, or the 7 up to the last data; a repaired URL range
  // says what was wrong.
  const { note, ...range } = await pageDayRange(scope, raw, 7);
  const { page: pageParam, ...filters } = raw;
  const page = Math.max(1, Math.min(100_000, Number.parseInt(pageParam ?? "1", 10) || 1));
  const parsed = runsQuerySchema.safeParse({ ...filters, ...range, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const query = parsed.success ? parsed.data : runsQuerySchema.parse({ ...range, limit: PAGE_SIZE });
  const canSeeOwners = maySeeEveryonesSpend(scope);
  const [{ runs, total }, choices] = await Promise.all([runsPage(scope, query), filterChoices(scope)]);
  const href = (changes: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...filters, ...range, ...changes }))
      if (value !== undefined && name !== "limit" && name !== "offset") params.set(name, value);
    return `/runs?${params}`;
  };
  const first = (query.offset ?? 0) + 1;
  const last = (query.offset ?? 0) + runs.length;
  return (
    <>
      <PageHead
        title="Runs"
        subtitle={`${canSeeOwners ? "Agent sessions" : "Your agent sessions"} started ${query.from} to ${query.to} (UTC), ${sortLabels[query.sort]}`}
      />
      <RangeNotice note={note} hrefFor={(shown) => `/runs?${new URLSearchParams({ ...raw, ...shown })}`} />
      <GetStartedIfEmpty steps={await getStartedSteps(scope)}>
        <RunsFilterForm query={query} choices={choices} canSeeOwners={canSeeOwners} />
        <RunsTable
          runs={runs}
          title={
            total === 0
              ? "No runs"
              : `${formatInteger(first)}–${formatInteger(last)} of ${formatInteger(total)} run${total === 1 ? "" : "s"}`
          }
          emptyText={
            query.q ? `No run started in this period matches “${query.q}”.` : "No runs started in this period."
          }
          csvName={`runs-${query.from}-${query.to}.csv`}
          sort={query.sort}
          sortHref={(sort) => href({ sort, page: undefined })}
          ownerNames={choices.ownerNames}
        />
        {total > PAGE_SIZE ? (
          <nav
            className="panel"
            style={{ display: "flex", gap: 16, alignItems: "center" }}
            aria-label="Pages"
            data-testid="runs-pager"
          >
            {page > 1 ? <Link href={href({ page: String(page - 1) })}>← Previous</Link> : null}
            <span className="muted">
              Page {formatInteger(page)} of {formatInteger(Math.ceil(total / PAGE_SIZE))}
            </span>
            {last < total ? <Link href={href({ page: String(page + 1) })}>Next →</Link> : null}
          </nav>
        ) : null}
      </GetStartedIfEmpty>
    </>
  );
}
