import { colorAt } from "@/components/charts/palette";
import type { CompareResult } from "@/lib/compare/compare-cohorts";
import { formatDuration, formatInteger, formatTokens, formatUsd } from "@/lib/format";

const percent = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(0)}%`);
const usdOrDash = (value: number | null) => (value === null ? "–" : formatUsd(value));

/** Cohorts side by side, one column each; the verdict's winner marked. */
export function ComparisonTable({ result }: { result: CompareResult }) {
  const { cohorts } = result;
  const rows: [string, (cohort: CompareResult["cohorts"][number], i: number) => string, string?][] = [
    ["Runs", (c) => formatInteger(c.runs)],
    ["Accepted outcomes", (c) => formatInteger(c.acceptedOutcomes)],
    ["Acceptance rate", (c) => percent(c.acceptanceRate)],
    ["Spend", (c) => formatUsd(c.spendUsd)],
    [
      "Cost per accepted outcome",
      (c) => (c.costPerAcceptedUsd === null ? "none accepted" : formatUsd(c.costPerAcceptedUsd)),
      "All spend of the cohort's runs, accepted or not, over its accepted runs",
    ],
    [
      "Tokens per accepted outcome",
      (c) => (c.tokensPerAcceptedOutcome === null ? "–" : formatTokens(c.tokensPerAcceptedOutcome)),
    ],
    ["Median run cost", (c) => usdOrDash(c.medianRunCostUsd)],
    ["Median wall time", (c) => (c.medianWallSeconds === null ? "–" : formatDuration(c.medianWallSeconds * 1000))],
    ["Waste share", (c) => percent(c.wasteShare), "Wasted dollars found in its runs (Waste page) over their spend"],
    [
      result.matching.by === "project"
        ? "Like for like: cost per accepted outcome"
        : "Cost per accepted outcome (unmatched)",
      (c) => (c.matched.costPerAcceptedUsd === null ? "none accepted" : formatUsd(c.matched.costPerAcceptedUsd)),
      "On the projects every cohort has runs in, weighted the same for every cohort",
    ],
    [
      "95% interval",
      (c) =>
        c.matched.interval === null
          ? "–"
          : `${formatUsd(c.matched.interval.low)} – ${c.matched.interval.high === null ? "unbounded" : formatUsd(c.matched.interval.high)}`,
    ],
    [
      "Matched runs / accepted",
      (c) => `${formatInteger(c.matched.runs)} / ${formatInteger(c.matched.acceptedOutcomes)}`,
    ],
  ];
  return (
    <table data-testid="compare-table">
      <thead>
        <tr>
          <th />
          {cohorts.map((cohort, i) => (
            <th key={cohort.label} className="num">
              <span style={{ color: colorAt(i) }}>■</span> {cohort.label}
              {result.verdict.winner === cohort.label ? (
                <span className="badge" data-testid="compare-winner">
                  {" "}
                  lower cost
                </span>
              ) : null}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, value, title]) => (
          <tr key={name}>
            <th scope="row" title={title}>
              {name}
            </th>
            {cohorts.map((cohort, i) => (
              <td key={cohort.label} className="num">
                {value(cohort, i)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
