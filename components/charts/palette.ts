/**
 * The one palette of chart series (owners, projects, tasks, models, agents, cohorts). A key is
 * coloured by a hash of its name, so "claude-opus-4-6" keeps its colour whatever else is charted;
 * within one chart no two series share a colour: a key whose colour is taken by another key of the
 * same chart takes the next free one (keys taken in name order, so a set of keys always gets the
 * same colours, in a chart and in the table beside it).
 */
/** Ten colours far apart (Tableau 10, its grey replaced by indigo): a chart's first ten series. */
const palette = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#3b3b98",
];
/** Then these, nearer to the first ten but still told apart, for charts with more series. */
const more = ["#a0cbe8", "#ffbe7d", "#8cd17d", "#d37295", "#499894", "#b6992d"];

/** Keys that mean "nothing assigned" or "everything else": greys, never a palette colour. */
const fixed: Record<string, string> = { unallocated: "#a7b0ba", other: "#cfd6dd" };

function slotOf(key: string): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
  return (hash >>> 0) % palette.length;
}

/** Past the palette (more series than colours): hues spread by the golden angle, still distinct. */
const extraColor = (n: number) => `hsl(${Math.round((n * 137.508) % 360)}, 55%, 42%)`;

/** A colour for each of one chart's series keys, no two alike. */
export function seriesColors(keys: Iterable<string>): Map<string, string> {
  const colors = new Map<string, string>();
  const taken = new Set<number>();
  let extra = 0;
  for (const key of [...new Set(keys)].sort()) {
    const known = fixed[key];
    if (known) {
      colors.set(key, known);
      continue;
    }
    if (taken.size === palette.length) {
      colors.set(key, more[extra] ?? extraColor(extra));
      extra += 1;
      continue;
    }
    let slot = slotOf(key);
    while (taken.has(slot)) slot = (slot + 1) % palette.length;
    taken.add(slot);
    colors.set(key, palette[slot]!);
  }
  return colors;
}

/** Series told apart by position rather than name (cohorts, at most a handful). */
export function colorAt(index: number): string {
  return palette[index] ?? more[index - palette.length] ?? extraColor(index);
}
