/**
 * One colour per series key (owner, project, task, model), the same on every chart and page:
 * chosen by a hash of the key, not by the key's position, so "claude-opus-4-6" keeps its colour
 * whatever else is in the chart.
 */
const palette = [
  "#0f6d5f",
  "#2f6fdb",
  "#d9822b",
  "#8e44ad",
  "#c0392b",
  "#16a085",
  "#b7950b",
  "#5d6d7e",
  "#e84393",
  "#2e86c1",
  "#6c3483",
  "#7d8f2a",
];

/** Keys that mean "nothing assigned" or "everything else": greys, never a palette colour. */
const fixed: Record<string, string> = { unallocated: "#a7b0ba", other: "#cfd6dd" };

export function colorFor(key: string): string {
  const known = fixed[key];
  if (known) return known;
  let hash = 2166136261;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
  return palette[(hash >>> 0) % palette.length]!;
}
