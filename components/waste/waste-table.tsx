import { formatInteger, formatUsd } from "@/lib/format";
import type { WasteRow } from "@/lib/waste/queries/waste-by-group";

/** A waste breakdown as `GET /api/v1/waste` returns it. */
export function WasteTable({
  title,
  keyLabel,
  rows,
  label = (key) => key,
  note,
}: {
  title: string;
  keyLabel: string;
  rows: WasteRow[];
  label?: (key: string) => string;
  note?: string;
}) {
  return (
    <section className="panel">
      <h2>{title}</h2>
      {note ? <p className="muted">{note}</p> : null}
      {rows.length === 0 ? (
        <p className="muted">No waste found in this period.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{keyLabel}</th>
              <th className="num">Wasted</th>
              <th className="num">Findings</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <td>{label(row.key)}</td>
                <td className="num">{formatUsd(row.wastedUsd)}</td>
                <td className="num">{formatInteger(row.findings)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
