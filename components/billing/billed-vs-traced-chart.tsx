"use client";

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "@/lib/format";

export interface BilledTracedDay {
  day: string;
  billedUsd: number;
  tracedUsd: number;
}

/** Per UTC day: the provider's bill as bars, traced spend as a line over them; a gap is untraced spend. */
export function BilledVsTracedChart({ days }: { days: BilledTracedDay[] }) {
  if (days.every((day) => day.billedUsd === 0 && day.tracedUsd === 0))
    return <p className="chart-empty muted">Nothing billed or traced in this period.</p>;
  return (
    <div className="chart" data-testid="billed-vs-traced-chart">
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart data={days} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} fontSize={12} />
          <YAxis tickFormatter={(value: number) => formatUsd(value)} fontSize={12} width={72} />
          <Tooltip formatter={(value) => formatUsd(Number(value))} labelFormatter={(day) => `${day} (UTC)`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="billedUsd" name="Billed" fill="#94a3b8" maxBarSize={48} isAnimationActive={false} />
          <Line
            dataKey="tracedUsd"
            name="Traced"
            stroke="#2563eb"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
