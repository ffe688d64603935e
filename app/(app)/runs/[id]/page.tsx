import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OutcomeButtons } from "@/components/outcomes/outcome-buttons";
import { RunAttributionPanel } from "@/components/ownership/run-attribution-panel";
import { PageHead } from "@/components/page-head";
import { CallTimeline } from "@/components/runs/call-timeline";
import { ContextChart } from "@/components/runs/context-chart";
import { LargestToolOutputs } from "@/components/runs/largest-tool-outputs";
import { RunFindingsPanel } from "@/components/waste/run-findings-panel";
import { may } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { formatDuration, formatInteger, formatTokens, formatUsd } from "@/lib/format";
import { runOutcome } from "@/lib/outcomes/run-outcome";
import { projectContextCurve } from "@/lib/queries/project-context-curve";
import { runAttribution } from "@/lib/queries/run-attribution";
import { runDetail, runIdSchema } from "@/lib/queries/run-detail";
import { contextPoints } from "@/lib/runs/context-points";
import { runCostAnatomy } from "@/lib/waste/queries/cost-anatomy";
import { runFindings } from "@/lib/waste/queries/run-findings";

export const metadata: Metadata = { title: "Run" };

/** A developer's view of one run: what it cost, how its context grew, and every call in order. */
export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const scope = await pageScope();
  const parsed = runIdSchema.safeParse((await params).id);
  const detail = parsed.success ? await runDetail(scope, parsed.data) : null;
  if (!detail) notFound();
  const { run, calls } = detail;
  const [curve, decision, attribution, findings, anatomy] = await Promise.all([
    projectContextCurve(scope, run.projectId),
    runOutcome(scope, run.id),
    runAttribution(scope, run.id),
    runFindings(scope, run.id),
    runCostAnatomy(scope, run.id),
  ]);
  const points = contextPoints(calls);
  const wallMs = Date.parse(run.endedAt) - Date.parse(run.startedAt);
  return (
    <>
      <PageHead title={run.title ?? run.externalId} subtitle={`${run.source} session ${run.externalId}`}>
        <Link href={`/runs/compare?a=${run.id}`} className="button-link">
          Compare with another run
        </Link>
      </PageHead>
      <section className="panel run-head" data-testid="run-head">
        <dl className="facts">
          <div>
            <dt>Owner</dt>
            <dd>{run.owner ?? <span className="muted">unallocated</span>}</dd>
          </div>
          <div>
            <dt>Project</dt>
            <dd>{run.project ?? <span className="muted">unallocated</span>}</dd>
          </div>
          <div>
            <dt>Task</dt>
            <dd>{run.task ?? <span className="muted">–</span>}</dd>
          </div>
          <div>
            <dt>Models</dt>
            <dd>{run.models.join(", ")}</dd>
          </div>
          <div>
            <dt>Branch</dt>
            <dd>{run.gitBranch ?? <span className="muted">–</span>}</dd>
          </div>
          <div>
            <dt>Started (UTC)</dt>
            <dd>{run.startedAt.slice(0, 19).replace("T", " ")}</dd>
          </div>
          <div>
            <dt>Ended (UTC)</dt>
            <dd>{run.endedAt.slice(0, 19).replace("T", " ")}</dd>
          </div>
          <div>
            <dt>Wall time</dt>
            <dd>{formatDuration(wallMs)}</dd>
          </div>
        </dl>
        <dl className="tiles">
          <div>
            <dt>Cost</dt>
            <dd data-testid="run-cost">{formatUsd(run.costUsd)}</dd>
          </div>
          <div>
            <dt>Calls</dt>
            <dd>{formatInteger(run.calls)}</dd>
          </div>
          <div>
            <dt>Input (uncached)</dt>
            <dd>{formatTokens(run.inputTokens)}</dd>
          </div>
          <div>
            <dt>Cache read</dt>
            <dd>{formatTokens(run.cacheReadTokens)}</dd>
          </div>
          <div>
            <dt>Cache write</dt>
            <dd>{formatTokens(run.cacheWriteTokens)}</dd>
          </div>
          <div>
            <dt>Output</dt>
            <dd>{formatTokens(run.outputTokens)}</dd>
          </div>
        </dl>
        <OutcomeButtons
          runId={run.id}
          outcome={run.outcome}
          decision={decision}
          canMark={may(scope, "outcomes:write")}
        />
      </section>
      {attribution ? (
        <RunAttributionPanel runId={run.id} attribution={attribution} canEdit={may(scope, "ownership:edit")} />
      ) : null}
      <section className="panel">
        <h2>Context growth</h2>
        <p className="muted small">
          Tokens each call read, stacked (uncached input, cache read, cache write), the cost so far (right axis) and,
          below, what each call wrote. Click a call to see it in the timeline. Dashed: the median and 90th percentile of{" "}
          {run.project ? `project ${run.project}` : "runs without a project"} at the same call ({curve[0]?.runs ?? 0}{" "}
          runs).
        </p>
        <ContextChart points={points} curve={curve} />
      </section>
      <div className="grid-2">
        {findings ? <RunFindingsPanel findings={findings} anatomy={anatomy} /> : null}
        <LargestToolOutputs calls={calls} />
      </div>
      <CallTimeline calls={calls} points={points} />
    </>
  );
}
