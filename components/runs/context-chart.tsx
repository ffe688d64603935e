"use client";

import { useMemo, useState, useTransition } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  Brush,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from "recharts";
import type { NameType, ValueType } from "recharts/types/component/DefaultTooltipContent";
import { formatInteger, formatTokens, formatUsd } from "@/lib/format";
import type { ContextCurvePoint } from "@/lib/queries/project-context-curve";
import { type ContextBucket, contextBuckets } from "@/lib/runs/context-buckets";
import type { ContextMarker, ContextPoint } from "@/lib/runs/context-points";

const markerStyle: Record<ContextMarker, { label: string; color: string }> = {
  "cache-miss": { label: "Cache miss", color: "#c0392b" },
  compaction: { label: "Compaction", color: "#8e44ad" },
  "large-tool-output": { label: "Large tool output", color: "#b7950b" },
};

/** The timeline listens for the hash (components/runs/call-timeline.tsx); the same hash again still scrolls. */
function goToCall(ordinal: number | undefined) {
  if (!ordinal) return;
  if (window.location.hash === `#call-${ordinal}`) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else window.location.hash = `call-${ordinal}`;
}

type Row = ContextBucket & Partial<Record<ContextMarker, number>> & { median?: number; p90?: number };

/**
 * A run's context per call: uncached input, cache read and cache write stacked, output below on its own axis,
 * the cumulative cost as a line on the right axis, markers where the context jumped for a reason,
 * and, when given, the median and 90th percentile of the project's runs at the same call index.
 * A long run is summarised in at most MAX_BARS bars (lib/runs/context-buckets.ts) and the brush
 * below zooms into a range of calls, so the chart draws the same few hundred bars whatever the
 * run's length. Clicking a call (or a bar's peak call) scrolls the timeline to it.
 */
export function ContextChart({ points, curve }: { points: ContextPoint[]; curve?: ContextCurvePoint[] }) {
  const [range, setRange] = useState<[number, number] | null>(null);
  const [, startTransition] = useTransition();
  const overview = useMemo(() => contextBuckets(points), [points]);
  const rows: Row[] = useMemo(() => {
    const curveAt = new Map((curve ?? []).map((point) => [point.index, point]));
    const shown = range ? points.slice(range[0] - 1, range[1]) : points;
    return contextBuckets(shown).map((bucket) => {
      const row: Row = {
        ...bucket,
        median: curveAt.get(bucket.firstIndex)?.medianContextTokens,
        p90: curveAt.get(bucket.firstIndex)?.p90ContextTokens,
      };
      for (const marker of bucket.markers) row[marker] = bucket.contextTokens;
      return row;
    });
  }, [points, curve, range]);
  if (points.length === 0) return <p className="chart-empty muted">This run has no calls.</p>;
  const perCall = rows.every((row) => row.calls === 1);
  const present = (Object.keys(markerStyle) as ContextMarker[]).filter((marker) =>
    rows.some((row) => row.markers.includes(marker)),
  );
  const onBarClick = (data: unknown) => goToCall((data as { payload?: Row }).payload?.peakIndex);
  const onBrush = ({ startIndex, endIndex }: { startIndex?: number; endIndex?: number }) => {
    const first = overview[startIndex ?? 0];
    const last = overview[endIndex ?? overview.length - 1];
    if (!first || !last) return;
    const whole = first.firstIndex === 1 && last.lastIndex === points.length;
    startTransition(() => setRange(whole ? null : [first.firstIndex, last.lastIndex]));
  };
  return (
    <div className="chart" data-testid="context-chart" data-points={points.length} data-bars={rows.length}>
      <p className="muted small" data-testid="context-chart-range">
        {range
          ? `Calls ${formatInteger(range[0])}-${formatInteger(range[1])} of ${formatInteger(points.length)}`
          : `All ${formatInteger(points.length)} calls`}
        {perCall
          ? ", one bar per call."
          : `, ${formatInteger(rows.length)} bars of about ${formatInteger(rows[0]!.calls)} calls each (the mean per call; a click shows the bar's largest call).`}
        {points.length > 1 ? " Drag the handles below the chart to zoom." : null}
      </p>
      <ResponsiveContainer width="100%" height={340}>
        <ComposedChart
          data={rows}
          syncId="run-context"
          margin={{ top: 8, right: 8, bottom: 0, left: 8 }}
          barCategoryGap={rows.length > 80 ? 0 : "10%"}
          maxBarSize={40}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="firstIndex"
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
          <Tooltip content={PointTooltip} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar
            yAxisId="tokens"
            dataKey="uncachedInput"
            name="Uncached input"
            stackId="context"
            fill="#2f6fdb"
            onClick={onBarClick}
            cursor="pointer"
            isAnimationActive={false}
          />
          <Bar
            yAxisId="tokens"
            dataKey="cacheRead"
            name="Cache read"
            stackId="context"
            fill="#7fb3a9"
            onClick={onBarClick}
            cursor="pointer"
            isAnimationActive={false}
          />
          <Bar
            yAxisId="tokens"
            dataKey="cacheWrite"
            name="Cache write"
            stackId="context"
            fill="#d9822b"
            onClick={onBarClick}
            cursor="pointer"
            isAnimationActive={false}
          />
          {curve && curve.length > 0 ? (
            <>
              <Line
                yAxisId="tokens"
                dataKey="median"
                name="Project median"
                stroke="#5d6d7e"
                strokeDasharray="5 4"
                dot={false}
                isAnimationActive={false}
              />
              <Line
                yAxisId="tokens"
                dataKey="p90"
                name="Project p90"
                stroke="#a7b0ba"
                strokeDasharray="2 3"
                dot={false}
                isAnimationActive={false}
              />
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
              !perCall
                ? false
                : (props: { cx?: number; cy?: number; payload?: Row; index?: number }) => (
                    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer shortcut; the same call is reachable from the timeline by keyboard
                    <circle
                      key={props.index}
                      cx={props.cx}
                      cy={props.cy}
                      r={2.5}
                      fill="#c0392b"
                      data-testid="context-point"
                      data-call-ordinal={props.payload?.peakIndex}
                      style={{ cursor: "pointer" }}
                      onClick={() => goToCall(props.payload?.peakIndex)}
                    />
                  )
            }
          />
          {present.map((marker) => (
            <Scatter
              key={marker}
              yAxisId="tokens"
              dataKey={marker}
              name={markerStyle[marker].label}
              fill={markerStyle[marker].color}
              shape="triangle"
              isAnimationActive={false}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
      {/* Output is tiny beside the context it was written from: its own axis, in step with the chart above. */}
      <ResponsiveContainer width="100%" height={110}>
        <BarChart
          data={rows}
          syncId="run-context"
          margin={{ top: 4, right: 8, bottom: 0, left: 8 }}
          barCategoryGap={rows.length > 80 ? 0 : "10%"}
          maxBarSize={40}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="firstIndex" fontSize={12} hide />
          <YAxis
            yAxisId="output"
            tickFormatter={(value: number) => formatTokens(value)}
            fontSize={12}
            width={56}
            label={{ value: "output", angle: -90, position: "insideLeft", fontSize: 11, dy: 20 }}
          />
          <YAxis yAxisId="align" orientation="right" width={72} tick={false} axisLine={false} />
          <Tooltip content={PointTooltip} />
          <Bar
            yAxisId="output"
            dataKey="output"
            name="Output"
            fill="#14202e"
            onClick={onBarClick}
            cursor="pointer"
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
      {points.length > 1 ? (
        // The whole run in miniature, only to hold the brush: its handles choose the calls drawn above.
        <div data-testid="context-brush">
          <ResponsiveContainer width="100%" height={52}>
            <AreaChart data={overview} margin={{ top: 0, right: 80, bottom: 0, left: 64 }}>
              <Brush
                dataKey="firstIndex"
                height={48}
                stroke="#2f6fdb"
                travellerWidth={10}
                onChange={onBrush}
                tickFormatter={(value: number) => `call ${formatInteger(value)}`}
              >
                <AreaChart data={overview}>
                  <Area
                    dataKey="contextTokens"
                    stroke="#2f6fdb"
                    fill="#2f6fdb"
                    fillOpacity={0.25}
                    isAnimationActive={false}
                    dot={false}
                  />
                </AreaChart>
              </Brush>
            </AreaChart>
          </ResponsiveContainer>
        </div>
      ) : null}
    </div>
  );
}

function PointTooltip({ active, payload }: TooltipContentProps<ValueType, NameType>) {
  const row = active ? (payload?.[0]?.payload as Row | undefined) : undefined;
  if (!row) return null;
  return (
    <div className="chart-tooltip">
      {row.calls === 1 ? (
        <>
          <strong>
            Call {formatInteger(row.firstIndex)} · {row.timestamp.slice(11, 19)} UTC
          </strong>
          <div>Context {formatInteger(row.contextTokens)} tokens</div>
        </>
      ) : (
        <>
          <strong>
            Calls {formatInteger(row.firstIndex)}-{formatInteger(row.lastIndex)} · from {row.timestamp.slice(11, 19)}{" "}
            UTC
          </strong>
          <div>
            Context {formatInteger(Math.round(row.contextTokens))} tokens per call on average; largest{" "}
            {formatInteger(row.peakContextTokens)} (call {formatInteger(row.peakIndex)})
          </div>
        </>
      )}
      <div className="muted">
        uncached {formatTokens(row.uncachedInput)} · cache read {formatTokens(row.cacheRead)} · cache write{" "}
        {formatTokens(row.cacheWrite)} · output {formatTokens(row.output)}
      </div>
      <div>
        Cost {formatUsd(row.costUsd)} · so far {formatUsd(row.cumulativeCostUsd)}
      </div>
      {row.median !== undefined ? (
        <div className="muted">
          Project median {formatTokens(row.median)}, p90 {formatTokens(row.p90 ?? 0)}
        </div>
      ) : null}
      {row.markers.length > 0 ? <div>{row.markers.map((marker) => markerStyle[marker].label).join(", ")}</div> : null}
      <div className="muted">
        {row.calls === 1 ? "Click to see the call" : `Click to see call ${formatInteger(row.peakIndex)}`}
      </div>
    </div>
  );
}
