/** A breakdown of this period beside the previous one: each key's cost, change and share. */
import type { Tokens } from "@/lib/tokens";

export interface SpendDeltaRow {
  key: string;
  costUsd: number;
  previousCostUsd: number;
  changeUsd: number;
  /** null when the previous period had nothing to compare with. */
  changeRatio: number | null;
  /** Of this period's total. */
  share: number;
  calls: number;
}

export function changeRatio(current: number, previous: number): number | null {
  return previous === 0 ? null : (current - previous) / previous;
}

/** Keys of either period, this period's largest first; keys only in the previous one last. */
export function spendDeltas(
  current: ({ key: string } & Tokens)[],
  previous: ({ key: string } & Tokens)[],
  total: number,
): SpendDeltaRow[] {
  const before = new Map(previous.map((row) => [row.key, row.costUsd]));
  const keys = [
    ...current.map((row) => row.key),
    ...previous.map((row) => row.key).filter((key) => !current.some((row) => row.key === key)),
  ];
  const now = new Map(current.map((row) => [row.key, row]));
  return keys.map((key) => {
    const row = now.get(key);
    const costUsd = row?.costUsd ?? 0;
    const previousCostUsd = before.get(key) ?? 0;
    return {
      key,
      costUsd,
      previousCostUsd,
      changeUsd: costUsd - previousCostUsd,
      changeRatio: changeRatio(costUsd, previousCostUsd),
      share: total === 0 ? 0 : costUsd / total,
      calls: row?.calls ?? 0,
    };
  });
}
