"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { DailySpendPart, StackDimension } from "@/lib/queries/daily-spend-by-group";
import { SpendPerDayChart } from "./spend-per-day-chart";

interface Filters {
  from: string;
  to: string;
  owner?: string;
  project?: string;
  agent?: string;
}

async function fetchParts(filters: Filters, stackBy: StackDimension): Promise<DailySpendPart[]> {
  const params = new URLSearchParams(
    Object.entries({ ...filters, stackBy }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const response = await fetch(`/api/v1/spend/daily?${params}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
  return body.parts as DailySpendPart[];
}

/**
 * Spend per day, stacked by the dimension picked beside the title: the choice applies at once
 * (only the chart's data is read again) and is kept in the address, so the view can be shared.
 * Clicking a bar opens that day's runs of its series.
 */
export function SpendPerDayPanel({
  filters,
  days,
  dimensions,
  initialStackBy,
  initialParts,
  ownerLabels,
  drillDownQuery,
}: {
  filters: Filters;
  days: string[];
  dimensions: StackDimension[];
  initialStackBy: StackDimension;
  initialParts: DailySpendPart[];
  ownerLabels?: Record<string, string>;
  /** The page's filters as a query string: a bar opens the runs behind it with them set. */
  drillDownQuery: string;
}) {
  const [stackBy, setStackBy] = useState(initialStackBy);
  const { data, isFetching, error } = useQuery({
    queryKey: ["spend-per-day", filters, stackBy],
    queryFn: () => fetchParts(filters, stackBy),
    initialData: stackBy === initialStackBy ? initialParts : undefined,
    placeholderData: keepPreviousData,
  });
  const choose = (next: StackDimension) => {
    setStackBy(next);
    const url = new URL(window.location.href);
    url.searchParams.set("stackBy", next);
    window.history.replaceState(null, "", url);
  };
  return (
    <section className="panel" data-testid="spend-per-day" aria-busy={isFetching}>
      <div className="panel-head">
        <h2>Spend per day by {stackBy}</h2>
        <label className="inline-label">
          Stack by
          <select value={stackBy} onChange={(event) => choose(event.currentTarget.value as StackDimension)}>
            {dimensions.map((dimension) => (
              <option key={dimension} value={dimension}>
                {dimension}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error ? <p className="notice error">Could not read the spend per day: {error.message}</p> : null}
      {data ? (
        <SpendPerDayChart
          days={days}
          parts={data}
          labels={stackBy === "owner" ? ownerLabels : undefined}
          drillDown={{ query: drillDownQuery, stackFilter: stackBy }}
        />
      ) : (
        <p className="chart-loading">Loading…</p>
      )}
    </section>
  );
}
