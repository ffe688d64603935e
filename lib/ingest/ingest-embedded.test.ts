/** The same writer on the embedded database (PGlite): fixture totals, idempotency, bad lines. */
import { beforeAll, describe, expect, it } from "vitest";
import { ensureTeam } from "@/lib/admin/members";
import type { Scope } from "@/lib/auth/scope";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { withEmbeddedDatabase } from "@/lib/testing/embedded-database";
import { fuzzIngest } from "@/lib/testing/fuzz-ingest";
import { expectedFixtureTotals, ingestFixtureFolder, wholeRange } from "@/lib/testing/ingest-fixtures";
import { ingestFile } from "./ingest-file";
import { assistantLine } from "./parsers/__fixtures__/trace-lines";

withEmbeddedDatabase("embedded-ingest");
let scope: Scope;

beforeAll(async () => {
  const team = await ensureTeam("embedded");
  scope = { teamId: team.id, teamSlug: team.slug, teamName: team.name, actor: { kind: "cli", osUser: "test" } };
});

describe("ingest on the embedded database", () => {
  it("gives the fixtures' totals once, however often they are imported", async () => {
    const folders = ["spotter/test/fixtures/transcripts", "sniffly", "claude-code-viewer"] as const;
    for (const folder of folders) await ingestFixtureFolder(scope, folder);
    const again = await Promise.all(folders.map((folder) => ingestFixtureFolder(scope, folder)));
    expect(again.map((r) => r.calls)).toEqual([0, 0, 0]);
    const { totals } = await spendByGroup(scope, { ...wholeRange, groupBy: "model" });
    const expected = folders.map((folder) => expectedFixtureTotals[folder]!);
    expect(totals.calls).toBe(expected.reduce((sum, e) => sum + e.calls!, 0));
    expect(totals.cacheReadTokens).toBe(expected.reduce((sum, e) => sum + e.cacheReadTokens, 0));
    expect(totals.outputTokens).toBe(expected.reduce((sum, e) => sum + e.outputTokens, 0));
    expect(Math.abs(totals.costUsd - expected.reduce((sum, e) => sum + e.costUsd, 0))).toBeLessThanOrEqual(3e-6);
  });

  it("keeps every valid call of fuzzed input once, in a team of its own each time", async () => {
    await fuzzIngest(async () => {
      const team = await ensureTeam(`fuzz-${Math.random().toString(36).slice(2, 10)}`);
      return { ...scope, teamId: team.id, teamSlug: team.slug, teamName: team.name };
    }, 6);
  });

  it("keeps the good lines of a file with bad ones", async () => {
    const text = `${[
      assistantLine({ messageId: "e1", requestId: "e1" }),
      "\u0000garbage",
      assistantLine({ messageId: "e2", requestId: "e2" }),
    ].join("\n")}\n`;
    const result = await ingestFile(scope, {
      format: "claude-code",
      fileName: "mixed.jsonl",
      body: {
        bytes: (async function* () {
          yield Buffer.from(text);
        })(),
        gzip: false,
      },
    });
    expect(result.calls).toBe(2);
    expect(result.errors).toEqual([expect.objectContaining({ file: "mixed.jsonl", line: 2 })]);
  });
});
