import { formatUsd } from "@/lib/format";
import type { WasteResult } from "@/lib/waste/queries/waste-by-group";

/**
 * The period's waste with what it includes spelled out: the total (as the API's totals.wastedUsd)
 * counts runs with no accepted outcome at their whole cost, so it is split into that part and
 * the inefficiencies of the other runs.
 */
export function WasteSummary({ result }: { result: WasteResult }) {
  const { wastedUsd, spendUsd } = result.totals;
  const undelivered = result.rows.find((row) => row.key === "no-accepted-outcome")?.wastedUsd ?? 0;
  const share = spendUsd > 0 ? (100 * wastedUsd) / spendUsd : 0;
  return (
    <section className="panel">
      <dl className="ingest-totals waste-totals">
        <div>
          <dt>Wasted (all findings)</dt>
          <dd data-testid="waste-total">{formatUsd(wastedUsd)}</dd>
        </div>
        <div>
          <dt>Share of spend</dt>
          <dd data-testid="waste-share">{share.toFixed(1)}%</dd>
        </div>
        <div>
          <dt>Spend in the period</dt>
          <dd>{formatUsd(spendUsd)}</dd>
        </div>
        <div>
          <dt>Runs with no accepted outcome</dt>
          <dd>{formatUsd(undelivered)}</dd>
        </div>
        <div>
          <dt>Inefficiencies in the other runs</dt>
          <dd>{formatUsd(wastedUsd - undelivered)}</dd>
        </div>
      </dl>
    </section>
  );
}
