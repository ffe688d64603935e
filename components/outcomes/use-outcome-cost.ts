"use client";

import { useQuery } from "@tanstack/react-query";
import type { OutcomeCostGroup, OutcomeCostResult } from "@/lib/queries/cost-per-outcome";

/** `GET /api/v1/outcomes/cost` for a period and grouping, optionally for one project or owner. */
export function useOutcomeCost(query: {
  from: string;
  to: string;
  groupBy: OutcomeCostGroup;
  project?: string;
  owner?: string;
}) {
  return useQuery({
    queryKey: ["outcome-cost", query],
    queryFn: async (): Promise<OutcomeCostResult> => {
      const params = new URLSearchParams(
        Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      const response = await fetch(`/api/v1/outcomes/cost?${params}`);
      const body = await response.json();
      if (!response.ok) throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
      return body as OutcomeCostResult;
    },
  });
}
