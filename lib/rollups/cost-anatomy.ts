/**
 * The cost-anatomy rollup: one RunCostAnatomy row per run, its costAnatomy (lib/waste/cost-anatomy.ts)
 * as computed from its calls and tool calls. It is written in the same transaction as the run's
 * findings, by the recompute that follows every ingest touching the run and every re-pricing
 * (lib/waste/recompute.ts), so it changes exactly when the run's calls or prices do. A run's
 * anatomy depends on its calls alone (not on owner or project), so re-attribution leaves it be.
 * The Waste page sums these rows over the runs started in a range and never reads Call.
 */

import { type RowOf, type SqlClient, tableColumns } from "@/lib/db/columns";
import { table } from "@/lib/db/tables";
import { Prisma } from "@/lib/generated/prisma/client";
import type { RunCostAnatomyModel } from "@/lib/generated/prisma/models/RunCostAnatomy";
import { type CostAnatomy, emptyAnatomy, phases } from "@/lib/waste/cost-anatomy";

const RunCostAnatomyTable = table("RunCostAnatomy");
const r = table("Run", "r");

type Tx = SqlClient;

export const anatomyColumns = tableColumns<RunCostAnatomyModel>()({
  runId: "uuid",
  calls: "int",
  costUsd: "numeric",
  wallMs: "bigint",
  longestGapMs: "bigint",
  discoveryUsd: "numeric",
  implementationUsd: "numeric",
  verificationUsd: "numeric",
  handoffUsd: "numeric",
  otherUsd: "numeric",
  discoveryMs: "bigint",
  implementationMs: "bigint",
  verificationMs: "bigint",
  handoffMs: "bigint",
  otherMs: "bigint",
  newUsd: "numeric",
  carriedUsd: "numeric",
  toolOutputUsd: "numeric",
  retriesUsd: "numeric",
});
type AnatomyRow = RowOf<typeof anatomyColumns>;

const usd = (value: number) => value.toFixed(12);
const ms = (value: number) => Math.round(value).toString();

function toRow(runId: string, anatomy: CostAnatomy): AnatomyRow {
  return {
    runId,
    calls: anatomy.calls,
    costUsd: usd(anatomy.costUsd),
    wallMs: ms(anatomy.wallMs),
    longestGapMs: ms(anatomy.longestGapMs),
    discoveryUsd: usd(anatomy.phaseUsd.discovery),
    implementationUsd: usd(anatomy.phaseUsd.implementation),
    verificationUsd: usd(anatomy.phaseUsd.verification),
    handoffUsd: usd(anatomy.phaseUsd.handoff),
    otherUsd: usd(anatomy.phaseUsd.other),
    discoveryMs: ms(anatomy.phaseMs.discovery),
    implementationMs: ms(anatomy.phaseMs.implementation),
    verificationMs: ms(anatomy.phaseMs.verification),
    handoffMs: ms(anatomy.phaseMs.handoff),
    otherMs: ms(anatomy.phaseMs.other),
    newUsd: usd(anatomy.causeUsd.new),
    carriedUsd: usd(anatomy.causeUsd.carried),
    toolOutputUsd: usd(anatomy.causeUsd.toolOutput),
    retriesUsd: usd(anatomy.causeUsd.retries),
  };
}

/** The row back as a CostAnatomy (numbers: the page's bars and sums). */
export function fromRow(row: Omit<AnatomyRow, "runId">): CostAnatomy {
  const anatomy = emptyAnatomy();
  const n = Number;
  anatomy.calls = n(row.calls);
  anatomy.costUsd = n(row.costUsd);
  anatomy.wallMs = n(row.wallMs);
  anatomy.longestGapMs = n(row.longestGapMs);
  for (const phase of phases) {
    anatomy.phaseUsd[phase] = n(row[`${phase}Usd`]);
    anatomy.phaseMs[phase] = n(row[`${phase}Ms`]);
  }
  anatomy.causeUsd = {
    new: n(row.newUsd),
    carried: n(row.carriedUsd),
    toolOutput: n(row.toolOutputUsd),
    retries: n(row.retriesUsd),
  };
  return anatomy;
}

/**
 * Replaces the anatomy rows of `runIds` with `anatomies` (a run without calls gets no row), in
 * the caller's transaction: the findings recompute's, so the two always describe the same calls.
 */
export async function replaceRunAnatomies(
  tx: Tx,
  teamId: string,
  runIds: readonly string[],
  anatomies: { runId: string; anatomy: CostAnatomy }[],
): Promise<void> {
  if (runIds.length === 0) return;
  await tx.$executeRaw`DELETE FROM ${RunCostAnatomyTable.$} WHERE ${RunCostAnatomyTable.teamId} = ${teamId}::uuid AND ${RunCostAnatomyTable.runId} = ANY(${[...runIds]}::uuid[])`;
  const rows = anatomies.filter(({ anatomy }) => anatomy.calls > 0).map(({ runId, anatomy }) => toRow(runId, anatomy));
  if (rows.length === 0) return;
  // Joined to Run so that a run deleted meanwhile gets no row.
  await tx.$executeRaw`
    INSERT INTO ${RunCostAnatomyTable.$} (${RunCostAnatomyTable.teamId}, ${anatomyColumns.names()})
    SELECT ${teamId}::uuid, a.* FROM ${anatomyColumns.from(rows, "a")}
    WHERE EXISTS (SELECT 1 FROM ${r.$} WHERE ${r.teamId} = ${teamId}::uuid AND ${r.id} = a."runId")`;
}

/** `sum(a."discoveryUsd") AS "discoveryUsd", ...`: the team's bar as one row of the same shape. */
export const anatomySums: Prisma.Sql = Prisma.raw(
  Object.keys(anatomyColumns.columns)
    .filter((key) => key !== "runId")
    .map((key) =>
      key === "longestGapMs"
        ? `coalesce(max(a."${key}"), 0)::text AS "${key}"`
        : `coalesce(sum(a."${key}"), 0)${key === "calls" ? "::int" : "::text"} AS "${key}"`,
    )
    .join(", "),
);
