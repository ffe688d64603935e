/**
 * The multi-machine corpus (fixtures/multi-machine, made from fixtures/real) and what discovery
 * must find in it with no set-up, checked the same way on Postgres and on the embedded database.
 */
import { createReadStream } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { findTraceFiles } from "@/lib/analyze/trace-files";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { spendByGroup, unallocatedKey } from "@/lib/queries/spend-by-group";
import { wholeRange } from "./ingest-fixtures";

const Call = table("Call");
const DailySpend = table("DailySpend");
const r = table("Run", "r");
const sRunDaySpend = table("RunDaySpend", "s");

export const multiMachineRoot = path.resolve("fixtures/multi-machine");

export async function ingestMultiMachine(scope: Scope, machine?: string): Promise<{ calls: number }> {
  const { files } = await findTraceFiles([machine ? path.join(multiMachineRoot, machine) : multiMachineRoot]);
  let calls = 0;
  for (const file of files) {
    const result = await ingestFile(scope, {
      format: file.format,
      fileName: file.fileName,
      body: { bytes: createReadStream(file.absolutePath), gzip: false },
    });
    expect(result.errors).toEqual([]);
    calls += result.calls;
  }
  return { calls };
}

/** Sums of rows as exact decimal text, against the team total from the raw calls. */
export async function expectRollupsAddUp(teamId: string): Promise<void> {
  const rows = await db().$queryRaw<{ dimension: string; total: string; calls: string }[]>`
    SELECT x.dimension, x.total::text, (SELECT sum(${Call.costUsd}) FROM ${Call.$} WHERE ${Call.teamId} = ${teamId}::uuid)::text AS calls FROM (
      SELECT 'owner' AS dimension, sum(s) AS total FROM (SELECT sum(${Call.costUsd}) AS s FROM ${DailySpend.$} WHERE ${Call.teamId} = ${teamId}::uuid GROUP BY ${DailySpend.ownerId}) a
      UNION ALL SELECT 'project', sum(s) FROM (SELECT sum(${Call.costUsd}) AS s FROM ${DailySpend.$} WHERE ${Call.teamId} = ${teamId}::uuid GROUP BY ${DailySpend.projectId}) b
      UNION ALL SELECT 'task', sum(s) FROM (SELECT sum(${Call.costUsd}) AS s FROM ${DailySpend.$} WHERE ${Call.teamId} = ${teamId}::uuid GROUP BY ${DailySpend.taskId}) c) x`;
  const exact = (value: string) => value.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  for (const row of rows)
    expect({ dimension: row.dimension, total: exact(row.total) }).toEqual({
      dimension: row.dimension,
      total: exact(row.calls),
    });
  // And the same through the API's query, per run attribution: each run's cost lands in exactly one row.
  const perRun = await db().$queryRaw<{ mismatches: bigint }[]>`
    SELECT count(*) AS mismatches FROM (
      SELECT ${r.id} FROM ${r.$} LEFT JOIN ${sRunDaySpend.$} ON ${sRunDaySpend.teamId} = ${r.teamId} AND ${sRunDaySpend.runId} = ${r.id}
      WHERE ${r.teamId} = ${teamId}::uuid GROUP BY ${r.id}, ${r.costUsd} HAVING coalesce(sum(${sRunDaySpend.costUsd}), 0) <> ${r.costUsd}) m`;
  expect(Number(perRun[0]!.mismatches)).toBe(0);
}

/** What the overview shows for the corpus: owners, projects and tasks discovered from the data. */
export async function expectDiscoveredCorpus(scope: Scope): Promise<void> {
  const by = async (groupBy: "owner" | "project" | "task") => {
    const { rows, totals } = await spendByGroup(scope, { ...wholeRange, groupBy });
    const sum = rows.reduce((total, row) => total + row.costUsd, 0);
    expect(sum).toBeCloseTo(totals.costUsd, 9);
    return new Map(rows.map((row) => [row.key, row.costUsd]));
  };
  const owners = await by("owner");
  const projects = await by("project");
  const tasks = await by("task");
  expect([...owners.keys()].sort()).toEqual(["ana", "bo", "dan", unallocatedKey].sort());
  expect([...projects.keys()].sort()).toEqual(["billing-api", "infra", "web-app"]);
  expect([...tasks.keys()].sort()).toEqual(
    ["PAY-123", "PAY-130", "PAY-140", "feature/onboarding-flow", "ledger-export", unallocatedKey].sort(),
  );

  const runs = await db().run.findMany({ where: { teamId: scope.teamId }, include: {} });
  const byCwd = (prefix: string) => runs.filter((run) => run.cwd?.startsWith(prefix));
  // Only the CI runner's run has no owner: a service user names nobody.
  expect(runs.filter((run) => !run.ownerId).map((run) => run.cwd)).toEqual(["/home/runner/work/web-app/web-app"]);
  // Worktrees, the repo-worktrees folder and the Codex remote fold into one project.
  const billing = await db().project.findFirstOrThrow({ where: { teamId: scope.teamId, name: "billing-api" } });
  expect(runs.filter((run) => run.projectId === billing.id)).toHaveLength(byCwd("/home/ana/").length + 1);
  expect(byCwd("/home/dan/code/payments")[0]!.projectSetBy).toBe("repository:billing-api");
  expect(byCwd("/home/ana/src/billing-api/.worktrees")[0]!.projectSetBy).toBe("directory:billing-api");
  expect(byCwd("/Users/bo/work/web-app/packages/ui")[0]!.taskId).toBeNull(); // main names no task
  expect(byCwd("/home/ana/src/billing-api-worktrees")[0]!.taskSetBy).toBe("branch:ledger-export");
  expect(byCwd("/home/ana/src/billing-api/.worktrees")[0]!.taskSetBy).toBe("ticket:PAY-130");
  const ana = await db().identity.findFirstOrThrow({ where: { teamId: scope.teamId, kind: "os-user", value: "ana" } });
  expect(ana.personSetBy).toBe("discovery");
  expect(byCwd("/home/ana/src/billing-api/.worktrees")[0]!.ownerSetBy).toBe(`identity:${ana.id}`);
  await expectRollupsAddUp(scope.teamId);
}
