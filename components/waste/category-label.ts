import type { WasteCategory } from "@/lib/waste/types";

/** How each waste category reads on screen; the API keeps CONTRACT.md's exact names. */
const labels: Record<WasteCategory, string> = {
  "cache-miss": "Cache miss",
  "repeated-tool-output": "Repeated tool output",
  "oversized-tool-output": "Oversized tool output",
  retry: "Retry",
  "context-growth": "Context growth",
  "no-accepted-outcome": "Rejected or abandoned run",
};

export function categoryLabel(category: string): string {
  return labels[category as WasteCategory] ?? category;
}
