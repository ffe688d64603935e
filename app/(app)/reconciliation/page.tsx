import type { Metadata } from "next";
import { BilledVsTracedChart } from "@/components/billing/billed-vs-traced-chart";
import { BillingSourcesPanel } from "@/components/billing/billing-sources-panel";
import { ClaudeCodeActivityTable } from "@/components/billing/claude-code-activity-table";
import { formatCoverage, ReconciliationTable } from "@/components/billing/reconciliation-table";
import { SeatsPanel } from "@/components/billing/seats-panel";
import { DateRangeFields } from "@/components/filters/date-range-fields";
import { RangeNotice } from "@/components/filters/range-notice";
import { PageHead } from "@/components/page-head";
import { may } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import {
  addBillingSourceAction,
  recordSeatAction,
  removeSeatAction,
  syncBillingSourceAction,
} from "@/lib/billing/actions";
import { listBillingSources } from "@/lib/billing/billing-sources";
import { claudeCodeActivity } from "@/lib/billing/claude-code-activity";
import { daysOf } from "@/lib/billing/provider-pull";
import { reconciliation } from "@/lib/billing/reconciliation";
import { seatValues } from "@/lib/billing/seats";
import { addDays } from "@/lib/days";
import { teamDb } from "@/lib/db/team-db";
import { formatUsd } from "@/lib/format";
import { pageRange, type RangeNote } from "@/lib/queries/page-range";

export const metadata: Metadata = { title: "Reconciliation" };

/** The longest range the page shows (the API has no such limit: it answers only days with data). */
const MAX_PAGE_DAYS = 366;

/** Does the bill match the traces? Billed against traced spend, the untraced remainder, seats, and Claude Code activity. */
export default async function ReconciliationPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const scope = await pageScope("spend:read-all");
  const params = await searchParams;
  // The bill's days may come before or after the traces': no fallback to the latest traced day.
  const { note: repaired, ...asked } = pageRange(params, { days: 30, latestDay: null });
  // The chart has a point per day: a range of centuries would be millions of them.
  const earliest = addDays(asked.to, -(MAX_PAGE_DAYS - 1));
  const range = asked.from < earliest ? { from: earliest, to: asked.to } : asked;
  const note: RangeNote | null =
    range === asked
      ? repaired
      : {
          text: `${repaired ? `${repaired.text} ` : ""}This page shows at most ${MAX_PAGE_DAYS} days: showing ${range.from} to ${range.to}.`,
          suggestion: null,
        };
  const canManage = may(scope, "settings:manage");
  const [byDay, byModel, byProvider, sources, seats, activity, people] = await Promise.all([
    reconciliation(scope, { ...range, groupBy: "day" }),
    reconciliation(scope, { ...range, groupBy: "model" }),
    reconciliation(scope, { ...range, groupBy: "provider" }),
    listBillingSources(scope),
    seatValues(scope, range),
    claudeCodeActivity(scope, range),
    teamDb(scope).person.findMany({
      select: { id: true, displayName: true, email: true },
      orderBy: { displayName: "asc" },
    }),
  ]);
  const billedByDay = new Map(byDay.rows.map((row) => [row.key, row]));
  const days = daysOf(range).map((day) => ({
    day,
    billedUsd: billedByDay.get(day)?.billedUsd ?? 0,
    tracedUsd: billedByDay.get(day)?.tracedUsd ?? 0,
  }));
  const { totals } = byDay;
  return (
    <>
      <PageHead
        title="Reconciliation"
        subtitle={`The providers' bill against traced spend, ${range.from} to ${range.to} (UTC)`}
      >
        <form className="inline" method="get">
          <DateRangeFields from={range.from} to={range.to} />
          <button type="submit" className="secondary">
            Show
          </button>
        </form>
      </PageHead>
      <RangeNotice note={note} hrefFor={(shown) => `/reconciliation?${new URLSearchParams({ ...shown })}`} />
      <section className="panel">
        <dl className="tiles">
          <div>
            <dt>Billed</dt>
            <dd data-testid="billed-total" data-usd={totals.billedUsd}>
              {formatUsd(totals.billedUsd)}
            </dd>
            <dd className="small muted">
              {byDay.providers.length === 0 ? "no billing source" : `from ${byDay.providers.join(" and ")}`}
            </dd>
          </div>
          <div>
            <dt>Traced</dt>
            <dd data-testid="traced-total" data-usd={totals.tracedUsd}>
              {formatUsd(totals.tracedUsd)}
            </dd>
            <dd className="small muted">models of those providers</dd>
          </div>
          <div>
            <dt>Coverage</dt>
            <dd data-testid="coverage">{formatCoverage(totals.coverage)}</dd>
            <dd className="small muted">traced ÷ billed</dd>
          </div>
          <div>
            <dt>Untraced</dt>
            <dd data-testid="untraced-total" data-usd={totals.untracedUsd}>
              {formatUsd(totals.untracedUsd)}
            </dd>
            <dd className="small muted">billed that no trace accounts for (per day and model)</dd>
          </div>
        </dl>
      </section>
      <section className="panel">
        <h2>Billed and traced per day</h2>
        <BilledVsTracedChart days={days} />
      </section>
      <div className="grid-2">
        <ReconciliationTable
          title="By provider"
          keyLabel="Provider"
          rows={byProvider.rows}
          testId="reconciliation-by-provider"
        />
        <BillingSourcesPanel
          sources={sources.map((source) => ({ ...source, lastSyncAt: source.lastSyncAt?.toISOString() ?? null }))}
          from={range.from}
          to={range.to}
          canManage={canManage}
          addAction={addBillingSourceAction}
          syncAction={syncBillingSourceAction}
        />
      </div>
      <ReconciliationTable
        title="By model"
        keyLabel="Model"
        rows={byModel.rows}
        withTokens
        testId="reconciliation-by-model"
      />
      <SeatsPanel
        seats={seats}
        people={people.map((person) => ({
          id: person.id,
          name: person.email ? `${person.displayName} (${person.email})` : person.displayName,
        }))}
        canManage={canManage}
        recordAction={recordSeatAction}
        removeAction={removeSeatAction}
      />
      <ClaudeCodeActivityTable rows={activity} />
    </>
  );
}
