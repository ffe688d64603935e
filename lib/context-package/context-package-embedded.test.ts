/** The context package on the embedded database (PGlite): the same generated runs, the same measured package and cost. */
import { beforeAll, describe, expect, it } from "vitest";
import { ensureTeam } from "@/lib/admin/members";
import type { Scope } from "@/lib/auth/scope";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { expectedPackage, generatedTeamRuns, runLines } from "@/lib/testing/context-package-traces";
import { withEmbeddedDatabase } from "@/lib/testing/embedded-database";
import { contextPackageReport, type RunRow } from "./report";

withEmbeddedDatabase("embedded-context");
let scope: Scope;

beforeAll(async () => {
  const team = await ensureTeam("embedded-context");
  scope = { teamId: team.id, teamSlug: team.slug, teamName: team.name, actor: { kind: "cli", osUser: "test" } };
});

describe("the context package on the embedded database", () => {
  it("measures each generated run's package and its cost exactly", async () => {
    const runIdOf = new Map<string, string>();
    for (const run of generatedTeamRuns) {
      const body = `${runLines(run).join("\n")}\n`;
      const result = await ingestFile(scope, {
        format: "claude-code",
        fileName: `${run.session}.jsonl`,
        body: {
          bytes: (async function* () {
            yield Buffer.from(body);
          })(),
          gzip: false,
        },
      });
      runIdOf.set(run.session, result.runIds[0]!);
    }
    const report = await contextPackageReport(scope, { from: "2026-02-01", to: "2026-02-28", groupBy: "run" });
    const rows = report.rows as RunRow[];
    for (const run of generatedTeamRuns) {
      const row = rows.find((r) => r.key === runIdOf.get(run.session))!;
      const expected = expectedPackage(run);
      expect(row.packageTokens).toBe(expected.packageTokens);
      expect(row.callsCarried).toBe(expected.callsCarried);
      expect(row.packageCostUsd).toBeCloseTo(expected.packageCostUsd, 12);
    }
    expect(report.recommendations.map((r) => r.kind).sort()).toEqual([
      "far-above-median",
      "instruction-reread",
      "instruction-reread",
      "mcp-rarely-used",
      "package-grew",
    ]);
  });
});
