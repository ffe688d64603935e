import Link from "next/link";
import { BudgetStatusBadge } from "@/components/budgets/budget-status-badge";
import { seriesColors } from "@/components/charts/palette";
import { CsvDownloadButton } from "@/components/export/csv-download-button";
import { OwnerNameText } from "@/components/owner-name";
import type { BudgetBadge } from "@/lib/budgets/row-badges";
import type { SpendDeltaRow } from "@/lib/dashboard/spend-deltas";
import { formatUsd } from "@/lib/format";
import type { OwnerName } from "@/lib/queries/filter-choices";
import { ChangeBadge } from "./change-badge";

/** One overview breakdown (owner, project, task or model) with its change from the previous period; the CSV has every column and row. */
export function SpendDeltaTable({
  title,
  keyLabel,
  rows,
  csvName,
  runsLink,
  testId,
  budgetBadges,
  ownerNames,
}: {
  title: string;
  keyLabel: string;
  rows: SpendDeltaRow[];
  csvName: string;
  /** The runs list filtered to a key, where the key is a runs filter (owner, project, model). */
  runsLink?: (key: string) => string;
  testId: string;
  /** Budget status by row key (owners and projects with a budget). */
  budgetBadges?: Record<string, BudgetBadge>;
  /** Keys that are owners, shown by their display name with the email beside. */
  ownerNames?: Record<string, OwnerName>;
}) {
  const header = [keyLabel, "costUsd", "previousCostUsd", "changeUsd", "changePercent", "sharePercent", "calls"];
  const csvRows = rows.map((row) => [
    row.key,
    row.costUsd,
    row.previousCostUsd,
    row.changeUsd,
    row.changeRatio === null ? null : row.changeRatio * 100,
    row.share * 100,
    row.calls,
  ]);
  // Over every row, as the chart beside colours the same keys of the same period.
  const colors = seriesColors(rows.map((row) => row.key));
  return (
    <section className="panel" data-testid={testId}>
      <div className="panel-head">
        <h2>{title}</h2>
        <CsvDownloadButton filename={csvName} header={header} rows={csvRows} />
      </div>
      {rows.length === 0 ? (
        <p className="muted">No spend in this period.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{keyLabel}</th>
              <th className="num">Cost</th>
              <th className="num">Share</th>
              <th className="num">Change</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 12).map((row) => (
              <tr key={row.key}>
                <td className="key-cell">
                  <span className="swatch" style={{ background: colors.get(row.key) }} />
                  {runsLink ? (
                    <Link href={runsLink(row.key)}>
                      {ownerNames ? <OwnerNameText owner={row.key} names={ownerNames} /> : row.key}
                    </Link>
                  ) : (
                    row.key
                  )}
                  {budgetBadges?.[row.key] ? (
                    <>
                      {" "}
                      <BudgetStatusBadge status={budgetBadges[row.key]!.status} title={budgetBadges[row.key]!.title} />
                    </>
                  ) : null}
                </td>
                <td className="num">{formatUsd(row.costUsd)}</td>
                <td className="num">{(row.share * 100).toFixed(1)}%</td>
                <td className="num">
                  <ChangeBadge changeUsd={row.changeUsd} ratio={row.changeRatio} />
                  <div className="muted small">from {formatUsd(row.previousCostUsd)}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows.length > 12 ? <p className="muted small">{rows.length - 12} more in the CSV.</p> : null}
    </section>
  );
}
