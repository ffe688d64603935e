/**
 * The retention test, on whichever database the file set up (Postgres, or embedded with
 * useEmbeddedDatabase): real traces ingested, a run marked rejected, then every page query's
 * numbers read before and after the raw calls from before the middle of the data are deleted.
 * They must be equal; the deleted calls must be gone; sending the same traces again, and changing
 * a trimmed run's outcome, must move no total either.
 */
import { describe, expect, it } from "vitest";
import type { Scope } from "@/lib/auth/scope";
import { contextPackageReport } from "@/lib/context-package/report";
import { db } from "@/lib/db/client";
import { recordOutcomes } from "@/lib/outcomes/record-outcome";
import { costPerOutcome } from "@/lib/queries/cost-per-outcome";
import { dailySpendByGroup } from "@/lib/queries/daily-spend-by-group";
import { filterChoices } from "@/lib/queries/filter-choices";
import { latestSpendDay } from "@/lib/queries/latest-spend-day";
import { runDetail } from "@/lib/queries/run-detail";
import { runsList } from "@/lib/queries/runs-list";
import { spendByGroup, spendGroups } from "@/lib/queries/spend-by-group";
import { applyRawCallRetention, retentionCutoff, setRawCallRetention } from "@/lib/retention/raw-calls";
import { rangeCostAnatomy } from "@/lib/waste/queries/cost-anatomy";
import { runFindings } from "@/lib/waste/queries/run-findings";
import { topFindings } from "@/lib/waste/queries/top-findings";
import { wasteByGroup, wasteGroups } from "@/lib/waste/queries/waste-by-group";
import { wasteOverTime } from "@/lib/waste/queries/waste-over-time";
import { ingestFixtureFolder, wholeRange } from "./ingest-fixtures";

const folders = ["spotter/test/fixtures/transcripts", "sniffly"];

/** Every number the pages show for the team's whole range (links to calls left out: they may go). */
export async function pageNumbers(scope: Scope) {
  const runs = await runsList(scope, { ...wholeRange, sort: "cost", limit: 1000 });
  const perRun = await Promise.all(
    runs.map(async (run) => {
      const detail = await runDetail(scope, run.id);
      const { callsRemovedBefore: _removed, ...summary } = detail!.run;
      const findings = (await runFindings(scope, run.id))!.map(({ category, wastedUsd, wastedTokens }) => ({
        category,
        wastedUsd,
        wastedTokens,
      }));
      return { summary, findings };
    }),
  );
  return {
    spend: await Promise.all(spendGroups.map((groupBy) => spendByGroup(scope, { ...wholeRange, groupBy }))),
    daily: await Promise.all(
      (["owner", "project", "task", "model"] as const).map((stackBy) =>
        dailySpendByGroup(scope, { ...wholeRange, stackBy }),
      ),
    ),
    outcomes: await Promise.all(
      (["week", "owner", "project"] as const).map((groupBy) => costPerOutcome(scope, { ...wholeRange, groupBy })),
    ),
    runs,
    perRun,
    waste: await Promise.all(wasteGroups.map((groupBy) => wasteByGroup(scope, { ...wholeRange, groupBy }))),
    wasteOverTime: await wasteOverTime(scope, wholeRange),
    topFindings: (await topFindings(scope, wholeRange, 100)).map(({ runId, category, wastedUsd, day }) => ({
      runId,
      category,
      wastedUsd,
      day,
    })),
    anatomy: await rangeCostAnatomy(scope, wholeRange),
    contextPackages: await contextPackageReport(scope, { ...wholeRange, groupBy: "project" }),
    latestDay: await latestSpendDay(scope),
    choices: await filterChoices(scope),
  };
}

async function rawCounts(teamId: string) {
  const [calls, toolCalls] = await Promise.all([
    db().call.count({ where: { teamId } }),
    db().toolCall.count({ where: { teamId } }),
  ]);
  return { calls, toolCalls };
}

export function describeRetention(team: () => Scope) {
  describe("raw-call retention", () => {
    it("deletes old raw calls in batches and changes no number on any page", async () => {
      const scope = team();
      for (const folder of folders) await ingestFixtureFolder(scope, folder);
      const runs = await runsList(scope, { ...wholeRange, sort: "startedAt", limit: 1000 });
      // The oldest run rejected: its whole cost is waste, and stays so after its calls are gone.
      const oldest = runs.at(-1)!;
      await recordOutcomes(
        scope,
        { runIds: [oldest.id], status: "REJECTED", source: "manual" },
        {
          userId: null,
          apiKeyId: null,
        },
      );
      const before = await pageNumbers(scope);
      const raw = await rawCounts(scope.teamId);

      // Keep 1 day as seen from the day after the middle call: the older half goes.
      const times = await db().call.findMany({ where: { teamId: scope.teamId }, select: { timestamp: true } });
      const middle = times.map((t) => t.timestamp.getTime()).sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
      const now = new Date(middle + 86_400_000);
      await setRawCallRetention(scope.teamId, 1);
      const cutoff = retentionCutoff(1, now);
      const expected = times.filter((t) => t.timestamp < cutoff).length;
      expect(expected).toBeGreaterThan(0);
      expect(expected).toBeLessThan(times.length);

      // Seven calls per transaction: many batches, as a large backlog would take.
      const deleted = await applyRawCallRetention(scope.teamId, { now, callsPerBatch: 7 });
      expect(deleted.calls).toBe(expected);
      const after = await rawCounts(scope.teamId);
      expect(after.calls).toBe(raw.calls - expected);
      expect(after.toolCalls).toBe(raw.toolCalls - deleted.toolCalls);
      expect(await db().call.count({ where: { teamId: scope.teamId, timestamp: { lt: cutoff } } })).toBe(0);
      const trimmed = await db().run.findMany({
        where: { teamId: scope.teamId, callsRemovedBefore: { not: null } },
        select: { id: true },
      });
      expect(trimmed.map((run) => run.id)).toContain(oldest.id);
      const detail = await runDetail(scope, oldest.id);
      expect(Date.parse(detail!.run.callsRemovedBefore!)).toBe(cutoff.getTime());
      expect(detail!.calls.length).toBeLessThan(detail!.run.calls);

      expect(await pageNumbers(scope)).toEqual(before);
      // Again: nothing left to delete.
      expect((await applyRawCallRetention(scope.teamId, { now })).calls).toBe(0);

      // The same traces again: the old calls are not stored again, nor counted.
      for (const folder of folders) {
        const again = await ingestFixtureFolder(scope, folder);
        expect(again.calls).toBe(0);
      }
      expect(await pageNumbers(scope)).toEqual(before);

      // A trimmed run's outcome changes: its whole-cost finding comes from its totals.
      await recordOutcomes(
        scope,
        { runIds: [oldest.id], status: "ABANDONED", source: "manual" },
        {
          userId: null,
          apiKeyId: null,
        },
      );
      const abandoned = await pageNumbers(scope);
      expect(abandoned.waste).toEqual(before.waste);
      expect(abandoned.perRun.map((run) => run.findings)).toEqual(before.perRun.map((run) => run.findings));
    });
  });
}
