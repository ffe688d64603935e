"use client";

import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { BurnDownPoint } from "@/lib/budgets/burn-down";
import { formatUsd } from "@/lib/format";

/** Cumulative spend of the period, the forecast with its range to the period's end, and the budget line. */
export function BurnDownChart({
  points,
  amountUsd,
  today,
}: {
  points: BurnDownPoint[];
  amountUsd: number;
  today: string;
}) {
  const top = Math.max(amountUsd, ...points.map((p) => Math.max(p.spentUsd ?? 0, p.rangeUsd?.[1] ?? 0)));
  return (
    <div className="chart" data-testid="burn-down-chart">
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={points} margin={{ top: 12, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} fontSize={12} minTickGap={12} />
          <YAxis
            tickFormatter={(value: number) => formatUsd(value)}
            fontSize={12}
            width={72}
            domain={[0, Math.ceil(top * 1.1)]}
          />
          <Tooltip
            formatter={(value) =>
              Array.isArray(value)
                ? `${formatUsd(Number(value[0]))} to ${formatUsd(Number(value[1]))}`
                : formatUsd(Number(value))
            }
            labelFormatter={(day) => String(day)}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Area
            dataKey="rangeUsd"
            name="Forecast range"
            fill="#d4a017"
            fillOpacity={0.18}
            stroke="none"
            isAnimationActive={false}
            connectNulls={false}
          />
          <Line
            dataKey="spentUsd"
            name="Spent"
            stroke="#0f6d5f"
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
            connectNulls={false}
          />
          <Line
            dataKey="forecastUsd"
            name="Forecast"
            stroke="#d4a017"
            strokeWidth={2}
            strokeDasharray="6 4"
            dot={false}
            isAnimationActive={false}
            connectNulls={false}
          />
          <Line
            dataKey="budgetUsd"
            name="Budget"
            stroke="#b42318"
            strokeWidth={1.5}
            dot={false}
            isAnimationActive={false}
          />
          <ReferenceLine
            x={today}
            stroke="#94a3b8"
            strokeDasharray="2 2"
            label={{ value: "today", fontSize: 11, position: "insideTopLeft" }}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
