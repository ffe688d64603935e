import { formatUsd } from "@/lib/format";
import type { WasteResult } from "@/lib/waste/queries/waste-by-group";

/**
 * The period's waste with what it includes spelled out: the total (as the API's totals.wastedUsd)
 * is evidence only, the detectors' findings and the whole cost of runs marked rejected or
 * abandoned. Beside it, not in it: the spend not accepted (the outcomes panel's figure), most of it
 * on runs nobody has decided about yet.
 */
export function WasteSummary({ result }: { result: WasteResult }) {
  const { wastedUsd, spendUsd, unacceptedSpendUsd } = result.totals;
  const rejected = result.rows.find((row) => row.key === "no-accepted-outcome")?.wastedUsd ?? 0;
  const share = (part: number) => (spendUsd > 0 ? `${((100 * part) / spendUsd).toFixed(1)}%` : "–");
  return (
    <section className="panel">
      <dl className="ingest-totals waste-totals">
        <div>
          <dt>Wasted (findings and rejected or abandoned runs)</dt>
          <dd data-testid="waste-total">{formatUsd(wastedUsd)}</dd>
        </div>
        <div>
          <dt>Share of spend</dt>
          <dd data-testid="waste-share">{share(wastedUsd)}</dd>
        </div>
        <div>
          <dt>Spend in the period</dt>
          <dd>{formatUsd(spendUsd)}</dd>
        </div>
        <div>
          <dt>Runs marked rejected or abandoned</dt>
          <dd>{formatUsd(rejected)}</dd>
        </div>
        <div>
          <dt>Inefficiencies in the other runs</dt>
          <dd>{formatUsd(Math.max(0, wastedUsd - rejected))}</dd>
        </div>
      </dl>
      <p className="muted small" data-testid="waste-unaccepted">
        Not waste, shown beside it: {formatUsd(unacceptedSpendUsd)} ({share(unacceptedSpendUsd)}) of this period&apos;s
        spend went to runs not marked accepted, most of them not decided yet (the overview&apos;s cost per accepted
        outcome shows the same figure as &quot;spend not accepted&quot;).
      </p>
    </section>
  );
}
