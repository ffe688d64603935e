/** A tool output's size as people read it: "812 B", "4.2 KB", "36 KB"; "–" when not recorded. */
export const formatBytes = (value: number | null): string =>
  value === null ? "–" : value >= 1024 ? `${(value / 1024).toFixed(value >= 10_240 ? 0 : 1)} KB` : `${value} B`;
