"use client";

import { useQuery } from "@tanstack/react-query";
import type { OutcomeCostGroup, OutcomeCostResult } from "@/lib/queries/cost-per-outcome";

/** `GET /api/v1/outcomes/cost` for a period and grouping. */
export function useOutcomeCost(query: { from: string; to: string; groupBy: OutcomeCostGroup }) {
  return useQuery({
    queryKey: ["outcome-cost", query],
    queryFn: async (): Promise<OutcomeCostResult> => {
      const response = await fetch(`/api/v1/outcomes/cost?${new URLSearchParams(query)}`);
      const body = await response.json();
      if (!response.ok) throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
      return body as OutcomeCostResult;
    },
  });
}
