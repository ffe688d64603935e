import type { Metadata } from "next";
import Link from "next/link";
import { RunPicker } from "@/components/compare/run-picker";
import { PageHead } from "@/components/page-head";
import { CompareContextChart, type ComparedRun } from "@/components/runs/compare-context-chart";
import { pageScope } from "@/lib/auth/scope";
import { formatDuration, formatInteger, formatTokens, formatUsd } from "@/lib/format";
import { type RunDetail, runDetail, runIdSchema } from "@/lib/queries/run-detail";
import { contextPoints } from "@/lib/runs/context-points";
import { pickedRunLabel } from "@/lib/runs/run-place";

export const metadata: Metadata = { title: "Compare runs" };

const colors = ["#2f6fdb", "#d9822b"] as const;

function compared({ points, color }: { points: ReturnType<typeof contextPoints>; color: string }): ComparedRun {
  return {
    color,
    contextTokens: points.map((p) => p.contextTokens),
    cumulativeCostUsd: points.map((p) => p.cumulativeCostUsd),
  };
}

async function load(scope: Awaited<ReturnType<typeof pageScope>>, id: string | undefined): Promise<RunDetail | null> {
  const parsed = runIdSchema.safeParse(id);
  return parsed.success ? runDetail(scope, parsed.data) : null;
}

interface Row {
  label: string;
  text: (d: RunDetail) => string;
  /** For rows that are amounts: the number, and how a difference of it reads. */
  value?: (d: RunDetail) => number | null;
  difference?: (delta: number) => string;
}

const signed = (format: (value: number) => string) => (delta: number) =>
  delta === 0 ? "same" : `${delta > 0 ? "+" : "−"}${format(Math.abs(delta))}`;
const largestContext = (d: RunDetail) => Math.max(0, ...d.calls.map((c) => c.contextTokens));
const wallTime = (d: RunDetail) => Date.parse(d.run.endedAt) - Date.parse(d.run.startedAt);

const rows: Row[] = [
  { label: "Owner", text: (d) => d.run.owner ?? "unallocated" },
  { label: "Project", text: (d) => d.run.project ?? "unallocated" },
  { label: "Models", text: (d) => d.run.models.join(", ") },
  { label: "Started (UTC)", text: (d) => d.run.startedAt.slice(0, 16).replace("T", " ") },
  { label: "Wall time", text: (d) => formatDuration(wallTime(d)), value: wallTime, difference: signed(formatDuration) },
  { label: "Outcome", text: (d) => d.run.outcome?.toLowerCase() ?? "–" },
  { label: "Cost", text: (d) => formatUsd(d.run.costUsd), value: (d) => d.run.costUsd, difference: signed(formatUsd) },
  {
    label: "Calls",
    text: (d) => formatInteger(d.run.calls),
    value: (d) => d.run.calls,
    difference: signed(formatInteger),
  },
  {
    label: "Cost per call",
    text: (d) => (d.run.calls === 0 ? "–" : formatUsd(d.run.costUsd / d.run.calls)),
    value: (d) => (d.run.calls === 0 ? null : d.run.costUsd / d.run.calls),
    difference: signed(formatUsd),
  },
  {
    label: "Largest context",
    text: (d) => formatTokens(largestContext(d)),
    value: largestContext,
    difference: signed(formatTokens),
  },
  {
    label: "Uncached input",
    text: (d) => formatTokens(d.run.inputTokens),
    value: (d) => d.run.inputTokens,
    difference: signed(formatTokens),
  },
  {
    label: "Cache read",
    text: (d) => formatTokens(d.run.cacheReadTokens),
    value: (d) => d.run.cacheReadTokens,
    difference: signed(formatTokens),
  },
  {
    label: "Cache write",
    text: (d) => formatTokens(d.run.cacheWriteTokens),
    value: (d) => d.run.cacheWriteTokens,
    difference: signed(formatTokens),
  },
  {
    label: "Output",
    text: (d) => formatTokens(d.run.outputTokens),
    value: (d) => d.run.outputTokens,
    difference: signed(formatTokens),
  },
];

/** B against A: the change and, where A is not zero, the ratio. */
function differenceText(row: Row, a: RunDetail, b: RunDetail): string {
  if (!row.value || !row.difference) return "";
  const [x, y] = [row.value(a), row.value(b)];
  if (x === null || y === null) return "–";
  const delta = y - x;
  if (delta === 0) return "same";
  return x === 0
    ? row.difference(delta)
    : `${row.difference(delta)} (${delta > 0 ? "+" : "−"}${Math.abs((delta / x) * 100).toFixed(0)}%)`;
}

const picked = (detail: RunDetail | null) => (detail ? { id: detail.run.id, label: pickedRunLabel(detail.run) } : null);

/** Two runs side by side: their totals, B's difference from A, and their context curves overlaid. */
export default async function CompareRunsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const scope = await pageScope();
  const { a, b } = await searchParams;
  const [runA, runB] = await Promise.all([load(scope, a), load(scope, b)]);
  const form = (
    <form method="get" action="/runs/compare" className="compare-form" data-testid="compare-form">
      <RunPicker key={`a-${runA?.run.id ?? ""}`} name="a" label="Run A" initial={picked(runA)} />
      <RunPicker key={`b-${runB?.run.id ?? ""}`} name="b" label="Run B" initial={picked(runB)} />
      <div className="inline">
        <button type="submit">Compare</button>
        {runA && runB ? <Link href={`/runs/compare?a=${runB.run.id}&b=${runA.run.id}`}>Swap A and B</Link> : null}
      </div>
    </form>
  );
  if (!runA || !runB) {
    return (
      <>
        <PageHead title="Compare runs" subtitle="Find two runs to see their totals and context growth side by side" />
        <section className="panel">{form}</section>
      </>
    );
  }
  const runs = [runA, runB].map((detail, i) => {
    const points = contextPoints(detail.calls);
    return { detail, points, color: colors[i]! };
  });
  return (
    <>
      <PageHead
        title="Compare runs"
        subtitle={`${runA.run.title ?? runA.run.externalId} vs ${runB.run.title ?? runB.run.externalId}`}
      />
      {/* Keyed by the runs: after a change it starts closed again, whatever it was. */}
      <details key={`${runA.run.id}-${runB.run.id}`} className="panel" data-testid="change-runs">
        <summary>Compare other runs</summary>
        {form}
      </details>
      <section className="panel">
        <div className="table-scroll">
          <table data-testid="compare-table">
            <thead>
              <tr>
                <th></th>
                {runs.map(({ detail, color }, i) => (
                  <th key={detail.run.id}>
                    <span className="swatch" style={{ background: color }} />
                    {i === 0 ? "A" : "B"}:{" "}
                    <Link href={`/runs/${detail.run.id}`}>
                      {(detail.run.title ?? detail.run.externalId).slice(0, 80)}
                    </Link>
                  </th>
                ))}
                <th className="num">Difference (B − A)</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.label} data-testid={`compare-row-${row.label.toLowerCase().replaceAll(" ", "-")}`}>
                  <th>{row.label}</th>
                  <td>{row.text(runA)}</td>
                  <td>{row.text(runB)}</td>
                  <td className="num" data-testid="compare-difference">
                    {differenceText(row, runA, runB)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="panel">
        <h2>Context per call</h2>
        <CompareContextChart runs={[compared(runs[0]!), compared(runs[1]!)]} />
      </section>
    </>
  );
}
