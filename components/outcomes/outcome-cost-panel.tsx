"use client";

import { useState } from "react";
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CsvDownloadButton } from "@/components/export/csv-download-button";
import type { ActivityTotals } from "@/lib/billing/claude-code-activity";
import { addDays, mondayOf } from "@/lib/days";
import { formatInteger, formatUsd } from "@/lib/format";
import type { OutcomeCostGroup, OutcomeCostResult } from "@/lib/queries/cost-per-outcome";
import { useOutcomeCost } from "./use-outcome-cost";

const TREND_WEEKS = 12;

const share = (part: number, whole: number) => (whole === 0 ? "–" : `${((part / whole) * 100).toFixed(0)}%`);

/**
 * Cost per accepted outcome: the period's figures, a weekly trend of the last 12 weeks up to the
 * period's end, and the period by project or owner, each with the share of spend not (yet) accepted.
 */
export function OutcomeCostPanel({ from, to, canSeeOwners }: { from: string; to: string; canSeeOwners: boolean }) {
  const [groupBy, setGroupBy] = useState<Exclude<OutcomeCostGroup, "week">>("project");
  /** The project or owner whose weekly trend is drawn; the whole team when null. */
  const [trendFor, setTrendFor] = useState<{ dimension: "project" | "owner"; key: string } | null>(null);
  const trendFrom = addDays(to, -(TREND_WEEKS * 7 - 1));
  const trend = useOutcomeCost({
    from: trendFrom,
    to,
    groupBy: "week",
    ...(trendFor ? { [trendFor.dimension]: trendFor.key } : {}),
  });
  const period = useOutcomeCost({ from, to, groupBy });
  return (
    <section className="panel" data-testid="outcome-cost">
      <div className="panel-head">
        <h2>Cost per accepted outcome</h2>
        <span className="muted small">
          All spend, accepted or not, divided by runs accepted (merged PRs, marked by hand or via the API)
        </span>
      </div>
      {period.isPending ? (
        <p className="muted" aria-busy="true">
          Loading outcomes…
        </p>
      ) : period.isError ? (
        <p className="notice error">{period.error.message}</p>
      ) : (
        <OutcomeTiles totals={period.data.totals} />
      )}
      <h3 data-testid="outcome-trend-title">
        Weekly, last {TREND_WEEKS} weeks to {to}:{" "}
        {trendFor ? `${trendFor.dimension} ${trendFor.key}` : "the whole team"}
        {trendFor ? (
          <button type="button" className="link-button inline-link" onClick={() => setTrendFor(null)}>
            show the whole team
          </button>
        ) : null}
      </h3>
      {trend.isPending ? (
        <div className="chart-loading" aria-busy="true">
          Loading chart…
        </div>
      ) : trend.isError ? (
        <p className="notice error">{trend.error.message}</p>
      ) : (
        <OutcomeTrendChart result={trend.data} from={trendFrom} to={to} />
      )}
      <div className="panel-head">
        <h3>
          This period by{" "}
          <select
            aria-label="Group outcomes by"
            value={groupBy}
            onChange={(event) => setGroupBy(event.target.value as typeof groupBy)}
          >
            <option value="project">project</option>
            {canSeeOwners ? <option value="owner">owner</option> : null}
          </select>
        </h3>
        {period.data ? (
          <CsvDownloadButton
            filename={`cost-per-outcome-by-${groupBy}-${from}-${to}.csv`}
            header={[
              groupBy,
              "spendUsd",
              "acceptedOutcomes",
              "costPerAcceptedUsd",
              "unacceptedSpendUsd",
              "likelyAcceptedRuns",
            ]}
            rows={period.data.rows.map((row) => [
              row.key,
              row.spendUsd,
              row.acceptedOutcomes,
              row.costPerAcceptedUsd,
              row.unacceptedSpendUsd,
              row.likelyAcceptedRuns,
            ])}
          />
        ) : null}
      </div>
      {period.data ? (
        <OutcomeTable
          result={period.data}
          keyLabel={groupBy === "owner" ? "Owner" : "Project"}
          onPick={(key) => setTrendFor({ dimension: groupBy, key })}
        />
      ) : null}
    </section>
  );
}

function OutcomeTiles({ totals }: { totals: OutcomeCostResult["totals"] }) {
  return (
    <dl className="tiles">
      <div>
        <dt>Cost per accepted outcome</dt>
        <dd data-testid="cost-per-accepted">
          {totals.costPerAcceptedUsd === null ? "none accepted" : formatUsd(totals.costPerAcceptedUsd)}
        </dd>
      </div>
      <div>
        <dt>Accepted outcomes</dt>
        <dd data-testid="accepted-outcomes">{formatInteger(totals.acceptedOutcomes)}</dd>
      </div>
      <div>
        <dt>Spend not accepted</dt>
        <dd
          data-testid="unaccepted-spend"
          title="Runs not marked accepted, most of them not decided yet: not counted as waste (the Waste page shows the same figure beside its total)"
        >
          {formatUsd(totals.unacceptedSpendUsd)}{" "}
          <small className="muted">{share(totals.unacceptedSpendUsd, totals.spendUsd)} of spend, not waste</small>
        </dd>
      </div>
      <div>
        <dt>Likely accepted (Claude Code activity)</dt>
        <dd
          data-testid="likely-accepted"
          title="Claude Code runs with no recorded outcome whose owner committed or opened a pull request with Claude Code that day (Claude Code analytics): a weak signal, never counted as accepted above"
        >
          {formatInteger(totals.likelyAcceptedRuns)} <small className="muted">runs, a signal only: not counted</small>
        </dd>
      </div>
    </dl>
  );
}

function OutcomeTrendChart({ result, from, to }: { result: OutcomeCostResult; from: string; to: string }) {
  if (result.rows.length === 0) return <p className="chart-empty muted">No spend in these weeks.</p>;
  // Every week of the span, empty ones too, so the trend's x axis is time and not only the weeks with data.
  const byWeek = new Map(result.rows.map((row) => [row.key, row]));
  const data = [];
  for (let week = mondayOf(from); week <= to; week = addDays(week, 7)) {
    const row = byWeek.get(week);
    data.push({
      week,
      accepted: row ? row.spendUsd - row.unacceptedSpendUsd : 0,
      unaccepted: row?.unacceptedSpendUsd ?? 0,
      costPerAccepted: row?.costPerAcceptedUsd ?? null,
    });
  }
  return (
    <div className="chart" data-testid="outcome-trend-chart">
      <ResponsiveContainer width="100%" height={240}>
        <ComposedChart data={data} maxBarSize={48} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="week" tickFormatter={(week: string) => `wk ${week.slice(5)}`} fontSize={12} />
          <YAxis yAxisId="spend" tickFormatter={(value: number) => formatUsd(value)} fontSize={12} width={72} />
          <YAxis
            yAxisId="per"
            orientation="right"
            tickFormatter={(value: number) => formatUsd(value)}
            fontSize={12}
            width={72}
          />
          <Tooltip
            formatter={(value) => (value === null ? "none accepted" : formatUsd(Number(value)))}
            labelFormatter={(week) => `Week of ${week}`}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar
            yAxisId="spend"
            dataKey="accepted"
            name="Spend on accepted runs"
            stackId="spend"
            fill="#0f6d5f"
            isAnimationActive={false}
          />
          <Bar
            yAxisId="spend"
            dataKey="unaccepted"
            name="Spend not accepted"
            stackId="spend"
            fill="#d9822b"
            isAnimationActive={false}
          />
          <Line
            yAxisId="per"
            dataKey="costPerAccepted"
            name="Cost per accepted outcome (right axis)"
            stroke="#2f6fdb"
            strokeWidth={2}
            connectNulls={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

function activityText(activity: ActivityTotals): string {
  const lines = `+${formatInteger(activity.linesAdded)} −${formatInteger(activity.linesRemoved)} lines`;
  return `${lines}, ${formatInteger(activity.commits)} commits, ${formatInteger(activity.pullRequests)} PRs`;
}

function OutcomeTable({
  result,
  keyLabel,
  onPick,
}: {
  result: OutcomeCostResult;
  keyLabel: string;
  onPick: (key: string) => void;
}) {
  if (result.rows.length === 0) return <p className="muted">No spend in this period.</p>;
  const showActivity = result.rows.some((row) => row.activity !== undefined);
  return (
    <table>
      <thead>
        <tr>
          <th>{keyLabel}</th>
          <th className="num">Spend</th>
          <th className="num">Accepted</th>
          <th className="num">Cost per accepted</th>
          <th className="num">Not accepted</th>
          <th
            className="num"
            title="No recorded outcome; Claude Code activity that day suggests accepted (not counted)"
          >
            Likely accepted
          </th>
          {showActivity ? <th>Claude Code activity</th> : null}
        </tr>
      </thead>
      <tbody>
        {result.rows.map((row) => (
          <tr key={row.key}>
            <td>
              <button
                type="button"
                className="link-button inline-link"
                onClick={() => onPick(row.key)}
                title="Draw this one's weekly trend above"
              >
                {row.key}
              </button>
            </td>
            <td className="num">{formatUsd(row.spendUsd)}</td>
            <td className="num">{formatInteger(row.acceptedOutcomes)}</td>
            <td className="num">
              {row.costPerAcceptedUsd === null ? <span className="muted">–</span> : formatUsd(row.costPerAcceptedUsd)}
            </td>
            <td className="num">
              {formatUsd(row.unacceptedSpendUsd)}{" "}
              <small className="muted">{share(row.unacceptedSpendUsd, row.spendUsd)}</small>
            </td>
            <td className="num">
              {row.likelyAcceptedRuns > 0 ? formatInteger(row.likelyAcceptedRuns) : <span className="muted">–</span>}
            </td>
            {showActivity ? (
              <td className="small" data-testid="owner-activity">
                {row.activity ? activityText(row.activity) : <span className="muted">–</span>}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
