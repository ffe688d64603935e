"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "@/lib/format";
import { categoryLabel } from "./category-label";

const colors: Record<string, string> = {
  "cache-miss": "#0f6d5f",
  "repeated-tool-output": "#d4a017",
  "oversized-tool-output": "#c2410c",
  retry: "#7c3aed",
  "context-growth": "#2563eb",
  "no-accepted-outcome": "#94a3b8",
};

/** Wasted dollars per period, stacked by category. */
export function WasteOverTimeChart({ rows }: { rows: { period: string; category: string; wastedUsd: number }[] }) {
  const categories = [...new Set(rows.map((row) => row.category))];
  const byPeriod = new Map<string, Record<string, number | string>>();
  for (const row of rows) {
    const entry = byPeriod.get(row.period) ?? { period: row.period };
    entry[row.category] = row.wastedUsd;
    byPeriod.set(row.period, entry);
  }
  return (
    <div style={{ width: "100%", height: 260 }} data-testid="waste-over-time">
      <ResponsiveContainer>
        <BarChart data={[...byPeriod.values()]} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="period" fontSize={12} />
          <YAxis tickFormatter={(value: number) => formatUsd(value)} fontSize={12} width={70} />
          <Tooltip formatter={(value, name) => [formatUsd(Number(value)), categoryLabel(String(name))]} />
          <Legend formatter={(name) => categoryLabel(String(name))} />
          {categories.map((category) => (
            <Bar
              key={category}
              dataKey={category}
              stackId="waste"
              fill={colors[category] ?? "#64748b"}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
