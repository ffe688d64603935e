"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { colorAt } from "@/components/charts/palette";
import type { CohortResult } from "@/lib/compare/compare-cohorts";
import { addDays, mondayOf } from "@/lib/days";
import { formatUsd } from "@/lib/format";

/** Each cohort's cost per accepted outcome by the week its runs started (unmatched); a gap where a week accepted nothing. */
export function CohortTrendChart({
  cohorts,
  from,
  to,
}: {
  cohorts: Pick<CohortResult, "label" | "weeks">[];
  from: string;
  to: string;
}) {
  if (cohorts.every((cohort) => cohort.weeks.length === 0))
    return <p className="chart-empty muted">No runs of these cohorts in this range.</p>;
  const byWeek = cohorts.map((cohort) => new Map(cohort.weeks.map((week) => [week.week, week])));
  const data: Record<string, string | number | null>[] = [];
  for (let week = mondayOf(from); week <= to; week = addDays(week, 7)) {
    const row: Record<string, string | number | null> = { week };
    cohorts.forEach((_, i) => {
      row[`c${i}`] = byWeek[i]!.get(week)?.costPerAcceptedUsd ?? null;
    });
    data.push(row);
  }
  return (
    <div className="chart" data-testid="compare-trend-chart">
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="week" tickFormatter={(week: string) => `wk ${week.slice(5)}`} fontSize={12} />
          <YAxis tickFormatter={(value: number) => formatUsd(value)} fontSize={12} width={72} />
          <Tooltip
            formatter={(value) => (value === null ? "none accepted" : formatUsd(Number(value)))}
            labelFormatter={(week) => `Week of ${week}`}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {cohorts.map((cohort, i) => (
            <Line
              key={cohort.label}
              dataKey={`c${i}`}
              name={cohort.label}
              stroke={colorAt(i)}
              strokeWidth={2}
              dot
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
