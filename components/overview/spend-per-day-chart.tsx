"use client";

import { useRouter } from "next/navigation";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { seriesColors } from "@/components/charts/palette";
import { formatUsd } from "@/lib/format";
import type { DailySpendPart } from "@/lib/queries/daily-spend-by-group";

/** Series beyond this many are summed into "other": a legend of 30 owners reads as noise. */
const MAX_SERIES = 8;

/**
 * Where a bar leads: the runs list of that day with the page's filters (`query`, a query string)
 * and, for a series other than "other", the stacked dimension's filter (`stackFilter`) set to it.
 */
export interface SpendDrillDown {
  query: string;
  stackFilter: string;
}

export function runsOfBarHref(drillDown: SpendDrillDown, day: string, key: string): string {
  const params = new URLSearchParams(drillDown.query);
  params.set("from", day);
  params.set("to", day);
  if (key !== "other") params.set(drillDown.stackFilter, key);
  return `/runs?${params}`;
}

/** `labels`: how to name a series in the legend when not by its key (owners: their display name). */
export function SpendPerDayChart({
  days,
  parts,
  labels,
  drillDown,
}: {
  days: string[];
  parts: DailySpendPart[];
  labels?: Record<string, string>;
  /** With it, clicking a bar opens the runs behind it. */
  drillDown?: SpendDrillDown;
}) {
  const router = useRouter();
  const totals = new Map<string, number>();
  for (const part of parts) totals.set(part.key, (totals.get(part.key) ?? 0) + part.costUsd);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([key]) => key);
  const shown = ranked.length > MAX_SERIES ? ranked.slice(0, MAX_SERIES - 1) : ranked;
  const series = ranked.length > shown.length ? [...shown, "other"] : shown;
  // Over every key, not only those shown: the tables beside colour the same keys alike.
  const colors = seriesColors([...ranked, "other"]);
  const byDay = new Map(days.map((day) => [day, { day } as Record<string, number | string>]));
  for (const part of parts) {
    const row = byDay.get(part.day);
    if (!row) continue;
    const key = shown.includes(part.key) ? part.key : "other";
    row[key] = ((row[key] as number | undefined) ?? 0) + part.costUsd;
  }
  if (parts.length === 0) return <p className="chart-empty muted">No spend in this period.</p>;
  return (
    <div className="chart" data-testid="spend-per-day-chart">
      <ResponsiveContainer width="100%" height={300}>
        <BarChart data={[...byDay.values()]} maxBarSize={56} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} fontSize={12} />
          <YAxis tickFormatter={(value: number) => formatUsd(value)} fontSize={12} width={72} />
          <Tooltip formatter={(value) => formatUsd(Number(value))} labelFormatter={(day) => `${day} (UTC)`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((key) => (
            <Bar
              key={key}
              dataKey={key}
              name={labels?.[key] ?? key}
              stackId="spend"
              fill={colors.get(key)}
              isAnimationActive={false}
              cursor={drillDown ? "pointer" : undefined}
              onClick={
                drillDown
                  ? (bar: { payload?: { day?: string } }) => {
                      if (bar.payload?.day) router.push(runsOfBarHref(drillDown, bar.payload.day, key));
                    }
                  : undefined
              }
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
