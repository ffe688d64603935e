/**
 * Batches cut off by a crash (issue 10, point 5), with a real `trh import` process killed after its
 * first chunk: the batch is RUNNING until its lease expires or the server starts, then INTERRUPTED
 * with the counts of what it stored; running the same import again completes it exactly.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { STALE_WORK_AFTER_MS } from "@/lib/db/stale-work";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { wholeRange } from "@/lib/testing/ingest-fixtures";
import { interruptStaleBatches } from "./batch-status";
import { assistantLine } from "./parsers/__fixtures__/trace-lines";

const CALLS = 9000; // several writer chunks of 2000
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await closeDb();
});

function traceFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trh-interrupted-"));
  dirs.push(dir);
  const lines = Array.from({ length: CALLS }, (_, i) =>
    assistantLine({
      messageId: `msg_${i}`,
      requestId: `req_${i}`,
      output: 20,
      cacheRead: 1000 + i,
      timestamp: new Date(Date.UTC(2026, 1, 1 + (i % 20), 10)).toISOString(),
    }),
  );
  writeFileSync(path.join(dir, "big.jsonl"), `${lines.join("\n")}\n`);
  return dir;
}

/** `trh import` in its own process; killed with SIGKILL as soon as its first chunk is stored when asked. */
function runImport(team: TestTeam, dir: string, killAfterFirstChunk: boolean): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["bin/trh.mjs", "import", dir, "--team", team.slug, "--json"], {
      env: process.env,
      stdio: "ignore",
    });
    let timer: NodeJS.Timeout | undefined;
    if (killAfterFirstChunk) {
      timer = setInterval(async () => {
        const stored = await db().call.count({ where: { teamId: team.teamId } });
        if (stored > 0) child.kill("SIGKILL");
      }, 20);
    }
    child.on("exit", (code) => {
      clearInterval(timer);
      resolve(code);
    });
  });
}

const batchesOf = (team: TestTeam) =>
  db().ingestBatch.findMany({ where: { teamId: team.teamId }, orderBy: { startedAt: "asc" } });

describe("interrupted ingest batches", () => {
  it("a killed import stays RUNNING while its lease holds, is INTERRUPTED once it expires, and a re-run completes it", async () => {
    const team = await createTestTeam("interrupted");
    const dir = traceFolder();
    await runImport(team, dir, true);
    const [cut] = await batchesOf(team);
    const stored = await db().call.count({ where: { teamId: team.teamId } });
    expect(cut).toMatchObject({ status: "RUNNING", calls: stored });
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(CALLS);

    // The lease is fresh: a live writer could still be behind it.
    expect(await interruptStaleBatches({ teamId: team.teamId })).toBe(0);
    // Time passes without a heartbeat.
    await db().ingestBatch.update({
      where: { teamId_id: { teamId: team.teamId, id: cut!.id } },
      data: { heartbeatAt: new Date(Date.now() - STALE_WORK_AFTER_MS - 1000) },
    });
    expect(await interruptStaleBatches({ teamId: team.teamId })).toBe(1);
    const interrupted = await db().ingestBatch.findFirstOrThrow({ where: { teamId: team.teamId, id: cut!.id } });
    expect(interrupted).toMatchObject({ status: "INTERRUPTED", calls: stored });

    expect(await runImport(team, dir, false)).toBe(0);
    const [, rerun] = await batchesOf(team);
    expect(rerun).toMatchObject({ status: "COMPLETE", calls: CALLS - stored, duplicates: stored });
    const { totals } = await spendByGroup(userScope(team), { ...wholeRange, groupBy: "day" });
    expect(totals.calls).toBe(CALLS);
    expect(totals.cacheReadTokens).toBe(Array.from({ length: CALLS }, (_, i) => 1000 + i).reduce((a, b) => a + b, 0));
  });

  it("at server start on the embedded database every RUNNING batch is interrupted, whatever its lease", async () => {
    const team = await createTestTeam("interrupted-start");
    await runImport(team, traceFolder(), true);
    const [cut] = await batchesOf(team);
    expect(cut!.status).toBe("RUNNING");
    expect(await interruptStaleBatches({ everyRunning: true, teamId: team.teamId })).toBe(1);
    expect((await batchesOf(team))[0]).toMatchObject({ status: "INTERRUPTED", calls: cut!.calls });
  });
});
