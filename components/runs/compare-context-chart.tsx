"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatTokens, formatUsd } from "@/lib/format";

export interface ComparedRun {
  color: string;
  /** Context tokens and cumulative cost per call, in order. */
  contextTokens: number[];
  cumulativeCostUsd: number[];
}

/** Two runs' context curves (and costs so far) overlaid by call index. */
export function CompareContextChart({ runs }: { runs: [ComparedRun, ComparedRun] }) {
  const length = Math.max(...runs.map((run) => run.contextTokens.length));
  if (length === 0) return <p className="chart-empty muted">Neither run has calls.</p>;
  const data = Array.from({ length }, (_, i) => ({
    index: i + 1,
    a: runs[0].contextTokens[i],
    b: runs[1].contextTokens[i],
    aCost: runs[0].cumulativeCostUsd[i],
    bCost: runs[1].cumulativeCostUsd[i],
  }));
  return (
    <div className="chart" data-testid="compare-chart">
      <ResponsiveContainer width="100%" height={320}>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="index"
            fontSize={12}
            label={{ value: "call", position: "insideBottomRight", offset: -2, fontSize: 12 }}
          />
          <YAxis yAxisId="tokens" tickFormatter={(value: number) => formatTokens(value)} fontSize={12} width={56} />
          <YAxis
            yAxisId="usd"
            orientation="right"
            tickFormatter={(value: number) => formatUsd(value)}
            fontSize={12}
            width={72}
          />
          <Tooltip
            formatter={(value, name) =>
              String(name).includes("cost") ? formatUsd(Number(value)) : `${formatTokens(Number(value))} tokens`
            }
            labelFormatter={(index) => `Call ${index}`}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line
            yAxisId="tokens"
            dataKey="a"
            name={`A context`}
            stroke={runs[0].color}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="tokens"
            dataKey="b"
            name={`B context`}
            stroke={runs[1].color}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="usd"
            dataKey="aCost"
            name="A cost so far (right axis)"
            stroke={runs[0].color}
            strokeDasharray="4 3"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="usd"
            dataKey="bCost"
            name="B cost so far (right axis)"
            stroke={runs[1].color}
            strokeDasharray="4 3"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
