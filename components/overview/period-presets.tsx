"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";

/**
 * The parts of the period picker that follow the address as it is now: the stack-by chosen on
 * the chart (written to the address without a reload) is kept by the preset links and by Apply.
 */
export function PeriodPresets({
  presets,
  current,
  kept,
}: {
  presets: { preset: string; label: string }[];
  current: string;
  kept: Record<string, string>;
}) {
  const stackBy = useSearchParams().get("stackBy");
  return (
    <nav className="presets" aria-label="Period">
      {presets.map(({ preset, label }) => (
        <Link
          key={preset}
          href={`/?${new URLSearchParams({ ...kept, ...(stackBy ? { stackBy } : {}), period: preset })}`}
          aria-current={current === preset ? "true" : undefined}
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}

export function KeptStackBy() {
  const stackBy = useSearchParams().get("stackBy");
  return stackBy ? <input type="hidden" name="stackBy" value={stackBy} /> : null;
}
