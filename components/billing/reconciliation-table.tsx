import type { ReconciliationRow } from "@/lib/billing/reconciliation";
import { formatTokens, formatUsd } from "@/lib/format";

export const formatCoverage = (coverage: number | null) =>
  coverage === null ? "–" : `${(coverage * 100).toFixed(1)}%`;

const tokenSummary = (
  tokens: { inputTokens: number; outputTokens: number; cacheWriteTokens: number; cacheReadTokens: number } | null,
) =>
  tokens === null
    ? "–"
    : `${formatTokens(tokens.inputTokens)} in · ${formatTokens(tokens.outputTokens)} out · ${formatTokens(tokens.cacheWriteTokens)} cache write · ${formatTokens(tokens.cacheReadTokens)} cache read`;

/** Billed against traced for one grouping (model or provider), with tokens on both sides when asked. */
export function ReconciliationTable({
  title,
  keyLabel,
  rows,
  withTokens,
  testId,
}: {
  title: string;
  keyLabel: string;
  rows: ReconciliationRow[];
  withTokens?: boolean;
  testId: string;
}) {
  return (
    <section className="panel" data-testid={testId}>
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">Nothing billed or traced in this period.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>{keyLabel}</th>
                <th className="num">Billed</th>
                <th className="num">Traced</th>
                <th className="num">Coverage</th>
                <th className="num">Untraced</th>
                {withTokens ? <th>Billed tokens / traced tokens</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  <td className="key-cell">{row.key}</td>
                  <td className="num">{formatUsd(row.billedUsd)}</td>
                  <td className="num">{formatUsd(row.tracedUsd)}</td>
                  <td className="num">{formatCoverage(row.coverage)}</td>
                  <td className="num">{formatUsd(row.untracedUsd)}</td>
                  {withTokens ? (
                    <td className="small">
                      <div>{tokenSummary(row.billedTokens)}</div>
                      <div className="muted">{tokenSummary(row.tracedTokens)}</div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
