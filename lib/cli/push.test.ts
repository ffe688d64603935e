/**
 * `trh push` against the real ingest route: it sends only what is new (complete lines), remembers
 * per file how far it got, and a Codex file sent in pieces keeps its session and model. The route
 * handler runs behind a small node:http server, which stands in for Next.js's own.
 */
import { execFile, spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { type AddressInfo, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { assistantLine } from "@/lib/ingest/parsers/__fixtures__/trace-lines";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { wholeRange } from "@/lib/testing/ingest-fixtures";
import { startIngestServer } from "@/lib/testing/ingest-server";

const run = promisify(execFile);
let team: TestTeam;
let server: Server;
let url: string;
const dir = mkdtempSync(path.join(tmpdir(), "trh-push-"));
const state = path.join(dir, "push-state.json");
const traces = path.join(dir, "projects");

async function push(): Promise<{
  files: number;
  calls: number;
  duplicates: number;
  errors: { file: string; line: number }[];
}> {
  const { stdout } = await run(
    process.execPath,
    ["bin/trh.mjs", "push", traces, "--url", url, "--key", team.ingestKey, "--json"],
    {
      env: { ...process.env, TRH_PUSH_STATE: state },
    },
  );
  return JSON.parse(stdout);
}

beforeAll(async () => {
  team = await createTestTeam("push");
  ({ url, server } = await startIngestServer());
  mkdirSync(path.join(traces, "-home-dev-repo"), { recursive: true });
});

afterAll(async () => {
  server.close();
  await closeDb();
});

const line = (i: number) =>
  assistantLine({
    messageId: `push_m${i}`,
    requestId: `push_r${i}`,
    input: 100,
    output: 10,
    sessionId: "push-session",
  });

describe("trh push", () => {
  const file = () => path.join(traces, "-home-dev-repo", "push-session.jsonl");

  it("sends a request again when its connection is cut before any answer (a server's keep-alive closing)", async () => {
    const cutTeam = await createTestTeam("push-cut");
    const upstream = new URL(url);
    let connections = 0;
    // In front of the real ingest server: the first two connections are cut as the request
    // arrives, one reset and one closed, as a server closing an idle kept-alive connection does.
    const proxy = createServer((client) => {
      connections += 1;
      client.on("error", () => {});
      if (connections === 1) client.once("data", () => client.resetAndDestroy());
      else if (connections === 2) client.once("data", () => client.destroy());
      else {
        const server = connect(Number(upstream.port), upstream.hostname);
        server.on("error", () => client.destroy());
        client.pipe(server).pipe(client);
      }
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const cutDir = path.join(dir, "cut", "-home-dev-cut");
      mkdirSync(cutDir, { recursive: true });
      writeFileSync(
        path.join(cutDir, "cut-session.jsonl"),
        `${[1, 2, 3].map((i) => assistantLine({ messageId: `cut_m${i}`, requestId: `cut_r${i}`, input: 100, output: 10, sessionId: "cut-session" })).join("\n")}\n`,
      );
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const { stdout } = await run(
        process.execPath,
        ["bin/trh.mjs", "push", path.join(dir, "cut"), "--url", proxyUrl, "--key", cutTeam.ingestKey, "--json"],
        { env: { ...process.env, TRH_PUSH_STATE: path.join(dir, "cut-state.json") } },
      );
      expect(JSON.parse(stdout)).toMatchObject({ files: 1, calls: 3, duplicates: 0, errors: [] });
      expect(connections).toBe(3);
      expect(await db().call.count({ where: { teamId: cutTeam.teamId } })).toBe(3);
    } finally {
      proxy.close();
    }
  });

  it("sends a file once, then only its new complete lines", async () => {
    writeFileSync(file(), `${[line(1), line(2), line(3)].join("\n")}\n`);
    expect(await push()).toMatchObject({ files: 1, calls: 3, duplicates: 0 });
    expect(await push()).toMatchObject({ files: 0, calls: 0 });

    // A line still being written (no newline yet) waits for the next round.
    appendFileSync(file(), `${line(4)}\n${line(5).slice(0, 40)}`);
    expect(await push()).toMatchObject({ files: 1, calls: 1 });
    appendFileSync(file(), `${line(5).slice(40)}\n`);
    expect(await push()).toMatchObject({ files: 1, calls: 1, duplicates: 0 });

    const { totals } = await spendByGroup(userScope(team), { ...wholeRange, groupBy: "day" });
    expect(totals).toMatchObject({ calls: 5, inputTokens: 500, outputTokens: 50 });
  });

  it("reports a bad line with its line number in the file, not in the piece sent", async () => {
    appendFileSync(file(), `{broken\n${line(6)}\n`);
    const result = await push();
    expect(result.calls).toBe(1);
    expect(result.errors).toEqual([expect.objectContaining({ file: file(), line: 6 })]);
  });

  it("keeps a Codex rollout's session and model when it is sent in pieces", async () => {
    const rollout = readFileSync(
      "fixtures/real/localpush/src-tauri/tests/fixtures/codex/2026-02-23/raw/sessions/rollout-2026-02-23T13-19-38-019c8a70-dda7-7f33-98ea-f30553347322.jsonl",
      "utf8",
    );
    const lines = rollout.split("\n").filter((l) => l !== "");
    const codexDir = path.join(dir, "codex");
    mkdirSync(codexDir, { recursive: true });
    const codexFile = path.join(codexDir, "rollout-2026-02-23T13-19-38-019c8a70-dda7-7f33-98ea-f30553347322.jsonl");
    const half = Math.floor(lines.length / 2);
    writeFileSync(codexFile, `${lines.slice(0, half).join("\n")}\n`);
    const pushCodex = async () =>
      JSON.parse(
        (
          await run(
            process.execPath,
            ["bin/trh.mjs", "push", codexDir, "--url", url, "--key", team.ingestKey, "--json"],
            { env: { ...process.env, TRH_PUSH_STATE: state } },
          )
        ).stdout,
      );
    await pushCodex();
    appendFileSync(codexFile, `${lines.slice(half).join("\n")}\n`);
    await pushCodex();
    const { rows } = await spendByGroup(userScope(team), { ...wholeRange, groupBy: "model" });
    const codex = rows.find((row) => row.key === "gpt-5.3-codex");
    // fixtures/real/SOURCES.md, session 13-19-38: 34,469 input (3,456 cached), 431 output, $0.060912.
    expect(codex).toMatchObject({ inputTokens: 34_469 - 3_456, cacheReadTokens: 3_456, outputTokens: 431 });
    expect(Math.abs(codex!.costUsd - 0.060912)).toBeLessThanOrEqual(1e-6);
    expect(rows.map((row) => row.key)).not.toContain("unknown");
  });

  it("pushes a Codex fork in pieces with the same calls and runs as an import (fixtures/crafted/codex-fork)", async () => {
    const forkTeam = await createTestTeam("push-fork");
    const source = path.resolve("fixtures/crafted/codex-fork/sessions");
    const forkDir = path.join(dir, "codex-fork");
    const files = [
      "2026/02/20/rollout-2026-02-20T09-00-00-019c7a10-5e2b-7c41-9a7e-2f0c1d3b4a51.jsonl",
      "2026/02/21/rollout-2026-02-21T10-00-00-019c7f3b-8d14-7a02-b6c9-41e5a7d2c083.jsonl",
    ];
    const pushFork = async () =>
      JSON.parse(
        (
          await run(
            process.execPath,
            ["bin/trh.mjs", "push", forkDir, "--url", url, "--key", forkTeam.ingestKey, "--json"],
            { env: { ...process.env, TRH_PUSH_STATE: state } },
          )
        ).stdout,
      );
    // Each file in two pieces: the fork's cut falls just after its copy of the parent's history.
    const pieces = files.map((file) => readFileSync(path.join(source, file), "utf8").trimEnd().split("\n"));
    for (const [index, file] of files.entries()) {
      mkdirSync(path.dirname(path.join(forkDir, file)), { recursive: true });
      writeFileSync(path.join(forkDir, file), `${pieces[index]!.slice(0, 14).join("\n")}\n`);
    }
    await pushFork();
    for (const [index, file] of files.entries())
      appendFileSync(path.join(forkDir, file), `${pieces[index]!.slice(14).join("\n")}\n`);
    await pushFork();
    const { totals } = await spendByGroup(userScope(forkTeam), { ...wholeRange, groupBy: "day" });
    expect(totals).toMatchObject({ calls: 5, inputTokens: 30_000, cacheReadTokens: 37_500, outputTokens: 1_750 });
    const runs = await db().run.findMany({
      where: { teamId: forkTeam.teamId },
      select: { externalId: true, calls: true },
    });
    expect(Object.fromEntries(runs.map((run) => [run.externalId, run.calls]))).toEqual({
      "019c7a10-5e2b-7c41-9a7e-2f0c1d3b4a51": 4,
      "019c7f3b-8d14-7a02-b6c9-41e5a7d2c083": 1,
    });
  });

  it("with --watch keeps sending as a file grows, one report per round that sent something, and stops on SIGTERM", async () => {
    const watched = path.join(dir, "watched");
    mkdirSync(path.join(watched, "-home-dev-watch"), { recursive: true });
    const growing = path.join(watched, "-home-dev-watch", "watch-session.jsonl");
    const watchLine = (i: number) =>
      assistantLine({
        messageId: `watch_m${i}`,
        requestId: `watch_r${i}`,
        input: 7,
        output: 3,
        sessionId: "watch-session",
      });
    writeFileSync(growing, `${[watchLine(1), watchLine(2)].join("\n")}\n`);
    const child = spawn(
      process.execPath,
      ["bin/trh.mjs", "push", watched, "--url", url, "--key", team.ingestKey, "--json", "--watch"],
      { env: { ...process.env, TRH_PUSH_STATE: path.join(dir, "watch-state.json") } },
    );
    const reports: { files: number; calls: number }[] = [];
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
        reports.push(JSON.parse(pending.slice(0, end)));
        pending = pending.slice(end + 1);
      }
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    // Generous bounds: a round is every 2 s; these only catch a watcher that never sends.
    const until = async (condition: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(condition()).toBe(true);
    };
    try {
      await until(() => reports.length === 1);
      expect(reports[0]).toMatchObject({ files: 1, calls: 2 });
      appendFileSync(growing, `${[watchLine(3), watchLine(4), watchLine(5)].join("\n")}\n`);
      await until(() => reports.length === 2);
      expect(reports[1]).toMatchObject({ files: 1, calls: 3, duplicates: 0 });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    const calls = await db().call.count({ where: { teamId: team.teamId, messageId: { startsWith: "watch_m" } } });
    expect(calls).toBe(5);
  });

  it("stops with the server's answer when a request is refused, and remembers nothing of what was refused", async () => {
    // The request's failure comes from the one left in flight at the end of the round (lib/cli/push.ts).
    const refusedFolder = path.join(dir, "refused");
    mkdirSync(path.join(refusedFolder, "-home-dev-refused"), { recursive: true });
    const refusedLine = assistantLine({
      messageId: "refused_m1",
      requestId: "refused_r1",
      input: 5,
      output: 1,
      sessionId: "refused-session",
    });
    writeFileSync(path.join(refusedFolder, "-home-dev-refused", "refused-session.jsonl"), `${refusedLine}\n`);
    const pushWith = (key: string) =>
      run(process.execPath, ["bin/trh.mjs", "push", refusedFolder, "--url", url, "--key", key, "--json"], {
        env: { ...process.env, TRH_PUSH_STATE: path.join(dir, "refused-state.json") },
      });
    const refused = (await pushWith("trh_not_a_key").catch((error: unknown) => error)) as {
      code?: number;
      stderr?: string;
    };
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the server answered 401/);
    expect(JSON.parse((await pushWith(team.ingestKey)).stdout)).toMatchObject({ files: 1, calls: 1 });
  });
});
