import { formatInteger, formatUsd } from "@/lib/format";
import type { Tokens } from "@/lib/queries/tokens";

/** A spend breakdown with its total line, as `GET /api/v1/spend` returns it. */
export function SpendTable({ title, keyLabel, result }: { title: string; keyLabel: string; result: { rows: ({ key: string } & Tokens)[]; totals: Tokens } }) {
  return (
    <section className="panel">
      <h2>{title}</h2>
      <table>
        <thead>
          <tr>
            <th>{keyLabel}</th>
            <th className="num">Cost</th>
            <th className="num">Calls</th>
            <th className="num">Input</th>
            <th className="num">Output</th>
            <th className="num">Cache write</th>
            <th className="num">Cache read</th>
          </tr>
        </thead>
        <tbody>
          {result.rows.map((row) => (
            <tr key={row.key}>
              <td>{row.key}</td>
              <td className="num">{formatUsd(row.costUsd)}</td>
              <td className="num">{formatInteger(row.calls)}</td>
              <td className="num">{formatInteger(row.inputTokens)}</td>
              <td className="num">{formatInteger(row.outputTokens)}</td>
              <td className="num">{formatInteger(row.cacheWriteTokens)}</td>
              <td className="num">{formatInteger(row.cacheReadTokens)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>Total</th>
            <th className="num" data-testid="spend-total">{formatUsd(result.totals.costUsd)}</th>
            <th className="num">{formatInteger(result.totals.calls)}</th>
            <th className="num">{formatInteger(result.totals.inputTokens)}</th>
            <th className="num">{formatInteger(result.totals.outputTokens)}</th>
            <th className="num">{formatInteger(result.totals.cacheWriteTokens)}</th>
            <th className="num">{formatInteger(result.totals.cacheReadTokens)}</th>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
