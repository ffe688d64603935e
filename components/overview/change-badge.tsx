import { formatUsd } from "@/lib/format";

/** "+$1.20 (+15%)" in red when spend went up, green when it went down. */
export function ChangeBadge({ changeUsd, ratio }: { changeUsd: number; ratio: number | null }) {
  if (changeUsd === 0) return <span className="change flat">no change</span>;
  const sign = changeUsd > 0 ? "+" : "−";
  const pct = ratio === null ? "new" : `${sign}${Math.abs(ratio * 100).toFixed(Math.abs(ratio) < 0.1 ? 1 : 0)}%`;
  return (
    <span className={`change ${changeUsd > 0 ? "up" : "down"}`}>
      {sign}
      {formatUsd(Math.abs(changeUsd))} ({pct})
    </span>
  );
}
