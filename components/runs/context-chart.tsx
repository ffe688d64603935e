"use client";

import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import type { NameType, ValueType } from "recharts/types/component/DefaultTooltipContent";
import { formatInteger, formatTokens, formatUsd } from "@/lib/format";
import type { ContextCurvePoint } from "@/lib/queries/project-context-curve";
import type { ContextMarker, ContextPoint } from "@/lib/runs/context-points";

const markerStyle: Record<ContextMarker, { label: string; color: string }> = {
  "cache-miss": { label: "Cache miss", color: "#c0392b" },
  compaction: { label: "Compaction", color: "#8e44ad" },
  "large-tool-output": { label: "Large tool output", color: "#b7950b" },
};

/** Above this many calls the per-call dots are left out; the bars still link to each call. */
const MAX_DOTS = 600;

function goToCall(ordinal: number | undefined) {
  if (ordinal) window.location.hash = `call-${ordinal}`;
}

type Row = ContextPoint & Partial<Record<ContextMarker, number>> & { median?: number; p90?: number };

/**
 * A run's context per call: uncached input, cache read and cache write stacked, output below on its own axis,
 * the cumulative cost as a line on the right axis, markers where the context jumped for a reason,
 * and, when given, the median and 90th percentile of the project's runs at the same call index.
 * Clicking a call scrolls the timeline to it.
 */
export function ContextChart({ points, curve }: { points: ContextPoint[]; curve?: ContextCurvePoint[] }) {
  if (points.length === 0) return <p className="chart-empty muted">This run has no calls.</p>;
  const curveAt = new Map((curve ?? []).map((point) => [point.index, point]));
  const rows: Row[] = points.map((point) => {
    const row: Row = { ...point, median: curveAt.get(point.index)?.medianContextTokens, p90: curveAt.get(point.index)?.p90ContextTokens };
    for (const marker of point.markers) row[marker] = point.contextTokens;
    return row;
  });
  const present = (Object.keys(markerStyle) as ContextMarker[]).filter((marker) => points.some((point) => point.markers.includes(marker)));
  const onBarClick = (data: unknown) => goToCall((data as { payload?: Row }).payload?.index);
  return (
    <div className="chart" data-testid="context-chart" data-points={points.length}>
      <ResponsiveContainer width="100%" height={340}>
        <ComposedChart data={rows} syncId="run-context" margin={{ top: 8, right: 8, bottom: 0, left: 8 }} barCategoryGap={points.length > 80 ? 0 : "10%"} maxBarSize={40}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="index" fontSize={12} label={{ value: "call", position: "insideBottomRight", offset: -2, fontSize: 12 }} />
          <YAxis yAxisId="tokens" tickFormatter={(value: number) => formatTokens(value)} fontSize={12} width={56} />
          <YAxis yAxisId="usd" orientation="right" tickFormatter={(value: number) => formatUsd(value)} fontSize={12} width={72} />
          <Tooltip content={PointTooltip} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar yAxisId="tokens" dataKey="uncachedInput" name="Uncached input" stackId="context" fill="#2f6fdb" onClick={onBarClick} cursor="pointer" isAnimationActive={false} />
          <Bar yAxisId="tokens" dataKey="cacheRead" name="Cache read" stackId="context" fill="#7fb3a9" onClick={onBarClick} cursor="pointer" isAnimationActive={false} />
          <Bar yAxisId="tokens" dataKey="cacheWrite" name="Cache write" stackId="context" fill="#d9822b" onClick={onBarClick} cursor="pointer" isAnimationActive={false} />
          {curve && curve.length > 0 ? (
            <>
              <Line yAxisId="tokens" dataKey="median" name="Project median" stroke="#5d6d7e" strokeDasharray="5 4" dot={false} isAnimationActive={false} />
              <Line yAxisId="tokens" dataKey="p90" name="Project p90" stroke="#a7b0ba" strokeDasharray="2 3" dot={false} isAnimationActive={false} />
            </>
          ) : null}
          <Line
            yAxisId="usd"
            dataKey="cumulativeCostUsd"
            name="Cumulative cost (right axis)"
            stroke="#c0392b"
            strokeWidth={2}
            isAnimationActive={false}
            dot={
              points.length > MAX_DOTS
                ? false
                : (props: { cx?: number; cy?: number; payload?: Row; index?: number }) => (
                    <circle
                      key={props.index}
                      cx={props.cx}
                      cy={props.cy}
                      r={2.5}
                      fill="#c0392b"
                      data-testid="context-point"
                      data-call-ordinal={props.payload?.index}
                      style={{ cursor: "pointer" }}
                      onClick={() => goToCall(props.payload?.index)}
                    />
                  )
            }
          />
          {present.map((marker) => (
            <Scatter key={marker} yAxisId="tokens" dataKey={marker} name={markerStyle[marker].label} fill={markerStyle[marker].color} shape="triangle" isAnimationActive={false} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
      {/* Output is tiny beside the context it was written from: its own axis, in step with the chart above. */}
      <ResponsiveContainer width="100%" height={110}>
        <BarChart data={rows} syncId="run-context" margin={{ top: 4, right: 8, bottom: 0, left: 8 }} barCategoryGap={points.length > 80 ? 0 : "10%"} maxBarSize={40}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="index" fontSize={12} hide />
          <YAxis yAxisId="output" tickFormatter={(value: number) => formatTokens(value)} fontSize={12} width={56} label={{ value: "output", angle: -90, position: "insideLeft", fontSize: 11, dy: 20 }} />
          <YAxis yAxisId="align" orientation="right" width={72} tick={false} axisLine={false} />
          <Tooltip content={PointTooltip} />
          <Bar yAxisId="output" dataKey="output" name="Output" fill="#14202e" onClick={onBarClick} cursor="pointer" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function PointTooltip({ active, payload }: TooltipContentProps<ValueType, NameType>) {
  const row = active ? (payload?.[0]?.payload as Row | undefined) : undefined;
  if (!row) return null;
  return (
    <div className="chart-tooltip">
      <strong>
        Call {row.index} · {row.timestamp.slice(11, 19)} UTC
      </strong>
      <div>Context {formatInteger(row.contextTokens)} tokens</div>
      <div className="muted">
        uncached {formatTokens(row.uncachedInput)} · cache read {formatTokens(row.cacheRead)} · cache write {formatTokens(row.cacheWrite)} · output {formatTokens(row.output)}
      </div>
      <div>
        Cost {formatUsd(row.costUsd)} · so far {formatUsd(row.cumulativeCostUsd)}
      </div>
      {row.median !== undefined ? <div className="muted">Project median {formatTokens(row.median)}, p90 {formatTokens(row.p90 ?? 0)}</div> : null}
      {row.markers.length > 0 ? <div>{row.markers.map((marker) => markerStyle[marker].label).join(", ")}</div> : null}
      <div className="muted">Click to see the call</div>
    </div>
  );
}
