"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatInteger, formatTokens } from "@/lib/format";

/** One project's context package per run, in run order (the first call's input of each run). */
export function PackageSizeChart({
  points,
}: {
  points: { runId: string; startedAt: string; packageTokens: number }[];
}) {
  const data = points.map((point) => ({ ...point, label: point.startedAt.slice(0, 16).replace("T", " ") }));
  return (
    <div style={{ width: "100%", height: 240 }} data-testid="package-size-chart">
      <ResponsiveContainer>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" fontSize={12} minTickGap={24} />
          <YAxis tickFormatter={(value: number) => formatTokens(value)} fontSize={12} width={60} />
          <Tooltip formatter={(value) => [`${formatInteger(Number(value))} tokens`, "package"]} />
          <Line
            type="stepAfter"
            dataKey="packageTokens"
            stroke="#0f6d5f"
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
