import type { Metadata } from "next";
import Link from "next/link";
import { PageHead } from "@/components/page-head";
import { CompareContextChart, type ComparedRun } from "@/components/runs/compare-context-chart";
import { pageScope } from "@/lib/auth/scope";
import { formatDuration, formatInteger, formatTokens, formatUsd } from "@/lib/format";
import { FIRST_DAY, LAST_DAY } from "@/lib/queries/params";
import { type RunDetail, runDetail, runIdSchema } from "@/lib/queries/run-detail";
import { runsList } from "@/lib/queries/runs-list";
import { contextPoints } from "@/lib/runs/context-points";

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

/** Two runs side by side: their totals and their context curves overlaid. */
export default async function CompareRunsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const scope = await pageScope();
  const { a, b } = await searchParams;
  const [runA, runB] = await Promise.all([load(scope, a), load(scope, b)]);
  const choices =
    runA && runB ? [] : await runsList(scope, { from: FIRST_DAY, to: LAST_DAY, sort: "startedAt", limit: 200 });
  const pick = (name: "a" | "b", current: RunDetail | null) => (
    <label>
      Run {name.toUpperCase()}
      <select name={name} defaultValue={current?.run.id ?? ""} required>
        <option value="">choose a run</option>
        {current && !choices.some((run) => run.id === current.run.id) ? (
          <option value={current.run.id}>{current.run.title ?? current.run.externalId}</option>
        ) : null}
        {choices.map((run) => (
          <option key={run.id} value={run.id}>
            {run.startedAt.slice(0, 10)} · {(run.title ?? run.externalId).slice(0, 60)} · {formatUsd(run.costUsd)}
          </option>
        ))}
      </select>
    </label>
  );
  if (!runA || !runB) {
    return (
      <>
        <PageHead title="Compare runs" subtitle="Pick two runs to see their totals and context growth side by side" />
        <section className="panel">
          <form method="get" action="/runs/compare" className="inline" data-testid="compare-form">
            {pick("a", runA)}
            {pick("b", runB)}
            <button type="submit">Compare</button>
          </form>
        </section>
      </>
    );
  }
  const runs = [runA, runB].map((detail, i) => {
    const points = contextPoints(detail.calls);
    return { detail, points, color: colors[i]! };
  });
  const rows: [string, (d: RunDetail) => string][] = [
    ["Owner", (d) => d.run.owner ?? "unallocated"],
    ["Project", (d) => d.run.project ?? "unallocated"],
    ["Models", (d) => d.run.models.join(", ")],
    ["Started (UTC)", (d) => d.run.startedAt.slice(0, 16).replace("T", " ")],
    ["Wall time", (d) => formatDuration(Date.parse(d.run.endedAt) - Date.parse(d.run.startedAt))],
    ["Outcome", (d) => d.run.outcome?.toLowerCase() ?? "–"],
    ["Cost", (d) => formatUsd(d.run.costUsd)],
    ["Calls", (d) => formatInteger(d.run.calls)],
    ["Cost per call", (d) => (d.run.calls === 0 ? "–" : formatUsd(d.run.costUsd / d.run.calls))],
    ["Largest context", (d) => formatTokens(Math.max(0, ...d.calls.map((c) => c.contextTokens)))],
    ["Uncached input", (d) => formatTokens(d.run.inputTokens)],
    ["Cache read", (d) => formatTokens(d.run.cacheReadTokens)],
    ["Cache write", (d) => formatTokens(d.run.cacheWriteTokens)],
    ["Output", (d) => formatTokens(d.run.outputTokens)],
  ];
  return (
    <>
      <PageHead
        title="Compare runs"
        subtitle={`${runA.run.title ?? runA.run.externalId} vs ${runB.run.title ?? runB.run.externalId}`}
      />
      <section className="panel">
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
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, value]) => (
              <tr key={label}>
                <th>{label}</th>
                <td>{value(runA)}</td>
                <td>{value(runB)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel">
        <h2>Context per call</h2>
        <CompareContextChart runs={[compared(runs[0]!), compared(runs[1]!)]} />
      </section>
    </>
  );
}
