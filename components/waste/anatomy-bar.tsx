import { formatUsd } from "@/lib/format";
import type { Cause, CostAnatomy, Phase } from "@/lib/waste/cost-anatomy";
import { duration } from "@/lib/waste/explain";

const phaseLabels: Record<Phase, string> = {
  discovery: "Discovery",
  implementation: "Implementation",
  verification: "Verification",
  handoff: "Handoff",
  other: "Other",
};
const causeLabels: Record<Cause, string> = {
  new: "New tokens",
  carried: "Carried context",
  toolOutput: "Tool output",
  retries: "Retries and errors",
};

/** One stacked bar: each part's width is its share of the cost, its dollars (and time) in the title. */
function StackedBar<K extends string>({
  parts,
  total,
  labels,
  times,
  kind,
}: {
  parts: Record<K, number>;
  total: number;
  labels: Record<K, string>;
  times?: Record<K, number>;
  kind: string;
}) {
  const keys = Object.keys(labels) as K[];
  return (
    <div className="anatomy-row">
      <div
        className="anatomy-bar"
        role="img"
        aria-label={keys.map((key) => `${labels[key]} ${formatUsd(parts[key])}`).join(", ")}
      >
        {keys.map((key) =>
          parts[key] > 0 && total > 0 ? (
            <span
              key={key}
              className={`anatomy-part ${kind}-${key}`}
              style={{ width: `${(100 * parts[key]) / total}%` }}
              title={`${labels[key]}: ${formatUsd(parts[key])}${times ? `, ${duration(times[key])}` : ""}`}
            />
          ) : null,
        )}
      </div>
    </div>
  );
}

function Legend<K extends string>({
  labels,
  kind,
  parts,
  times,
}: {
  labels: Record<K, string>;
  kind: string;
  parts: Record<K, number>;
  times?: Record<K, number>;
}) {
  return (
    <ul className="anatomy-legend">
      {(Object.keys(labels) as K[])
        .filter((key) => parts[key] > 0)
        .map((key) => (
          <li key={key}>
            <span className={`anatomy-swatch ${kind}-${key}`} />
            {labels[key]} {formatUsd(parts[key])}
            {times ? <span className="muted"> · {duration(times[key])}</span> : null}
          </li>
        ))}
    </ul>
  );
}

/** Where a run's (or the team's) money went, by phase and by cause, with the elapsed time beside it. */
export function AnatomyBars({ anatomy, legend = true }: { anatomy: CostAnatomy; legend?: boolean }) {
  return (
    <div className="anatomy" data-testid="cost-anatomy">
      <p className="anatomy-time">
        {formatUsd(anatomy.costUsd)} over {anatomy.calls} calls · {duration(anatomy.wallMs)} from first to last call ·
        longest gap between calls {duration(anatomy.longestGapMs)}
      </p>
      <div className="anatomy-label">By phase</div>
      <StackedBar
        parts={anatomy.phaseUsd}
        total={anatomy.costUsd}
        labels={phaseLabels}
        times={anatomy.phaseMs}
        kind="phase"
      />
      {legend ? <Legend labels={phaseLabels} kind="phase" parts={anatomy.phaseUsd} times={anatomy.phaseMs} /> : null}
      <div className="anatomy-label">By cause</div>
      <StackedBar parts={anatomy.causeUsd} total={anatomy.costUsd} labels={causeLabels} kind="cause" />
      {legend ? <Legend labels={causeLabels} kind="cause" parts={anatomy.causeUsd} /> : null}
    </div>
  );
}
