/**
 * Cohorts by tag, by instruction-file version, by saved filter and by a date boundary, on whichever
 * database the calling test file points the client at (cohort-kinds.test.ts: Postgres;
 * cohort-kinds-embedded.test.ts: PGlite). Tags arrive through the two ways the trace can carry them
 * (OTLP resource attributes, native records' `tags`), instruction files through Claude Code
 * transcripts whose reads the context package measures; everything through the app's one writer.
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getCompare } from "@/app/api/v1/compare/route";
import { DELETE as deleteFilterRoute } from "@/app/api/v1/saved-filters/[id]/route";
import { GET as listFiltersRoute, POST as saveFilterRoute } from "@/app/api/v1/saved-filters/route";
import { createApiKey } from "@/lib/admin/api-keys";
import type { Scope } from "@/lib/auth/scope";
import { cohortChoices } from "@/lib/compare/cohort-choices";
import { type CompareResult, compareCohorts, compareQuerySchema } from "@/lib/compare/compare-cohorts";
import { saveFilter } from "@/lib/compare/saved-filters";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { ingestOtlpRequest } from "@/lib/ingest/ingest-otlp";
import { MAX_TAGS_PER_RUN } from "@/lib/ingest/run-tags";
import { generatedTeamRuns, runLines } from "./context-package-traces";
import { createTestTeam, type TestTeam, userScope } from "./fixtures";

const Run = table("Run");
const RunTagTable = table("RunTag");
const r = table("Run", "r");
const t = table("RunTag", "t");

const range = { from: "2026-01-01", to: "2026-12-31" };

const text = (value: string) => ({ stringValue: value });
const attribute = (key: string, value: unknown) => ({ key, value });

/** A Claude Code telemetry export: one resource (its attributes) with one api_request per session. */
function otlpLogs(resource: Record<string, string>, sessions: { id: string; day: string }[]): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: Object.entries(resource).map(([key, value]) => attribute(key, text(value))) },
        scopeLogs: [
          {
            scope: { name: "com.anthropic.claude_code.events" },
            logRecords: sessions.map((session) => ({
              timeUnixNano: String(Date.parse(`${session.day}T12:00:00Z`) * 1_000_000),
              body: text("claude_code.api_request"),
              attributes: [
                attribute("event.timestamp", text(`${session.day}T12:00:00.000Z`)),
                attribute("session.id", text(session.id)),
                attribute("user.email", text("dev@example.com")),
                attribute("model", text("claude-sonnet-4-5")),
                attribute("input_tokens", text("1000")),
                attribute("output_tokens", text("100")),
                attribute("request_id", text(`req-${session.id}`)),
              ],
            })),
          },
        ],
      },
    ],
  });
}

function nativeLine(session: string, day: string, tags?: unknown): string {
  return JSON.stringify({
    sessionId: session,
    callKey: "c1",
    timestamp: `${day}T10:00:00Z`,
    model: "claude-sonnet-4-5",
    inputTokens: 1000,
    outputTokens: 100,
    ...(tags === undefined ? {} : { tags }),
  });
}

async function ingestNative(scope: Scope, lines: string[]) {
  const result = await ingestFile(scope, {
    format: "native",
    fileName: "tagged.jsonl",
    body: { bytes: [Buffer.from(`${lines.join("\n")}\n`)], gzip: false },
  });
  expect(result.errors).toEqual([]);
  return result;
}

const compare = (scope: Scope, cohort: string[], match: "project" | "none" = "none") =>
  compareCohorts(scope, compareQuerySchema.parse({ ...range, cohort, match }));

/** The session ids of a cohort's runs, read independently of the comparison from RunTag. */
async function taggedSessions(team: TestTeam, key: string, value: string): Promise<string[]> {
  const rows = await db().$queryRaw<{ externalId: string }[]>`
    SELECT ${r.externalId} FROM ${t.$} JOIN ${r.$} ON ${r.teamId} = ${t.teamId} AND ${r.id} = ${t.runId}
    WHERE ${t.teamId} = ${team.teamId}::uuid AND ${t.key} = ${key} AND ${t.value} = ${value} ORDER BY 1`;
  return rows.map((row) => row.externalId);
}

const request = (key: string, path: string, method = "GET", body?: unknown) =>
  new Request(`http://test${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const runsOf = (result: CompareResult) => result.cohorts.map((cohort) => cohort.runs);

export function cohortKindsSuite(prefix: string): void {
  let team: TestTeam;
  let scope: Scope;
  let allKey: string;

  beforeAll(async () => {
    team = await createTestTeam(`${prefix}-cohorts`);
    scope = userScope(team);
    ({ key: allKey } = await createApiKey({ teamId: team.teamId }, { name: "all", scope: "all" }));
    // Telemetry: platform's three sessions and web's one, each resource with the exporter's own attributes.
    const platform = otlpLogs(
      { "service.name": "claude-code", team: "platform", cost_center: "eng-42", "user.email": "dev@example.com" },
      [
        { id: "otel-p1", day: "2026-03-02" },
        { id: "otel-p2", day: "2026-03-09" },
        { id: "otel-p3", day: "2026-03-16" },
      ],
    );
    const web = otlpLogs({ "service.name": "claude-code", team: "web", "session.id": "ignored" }, [
      { id: "otel-w1", day: "2026-03-03" },
    ]);
    for (const body of [platform, web]) {
      const result = await ingestOtlpRequest(
        scope,
        new Request("http://test/api/otlp/v1/logs", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        }),
        "logs",
      );
      expect(result.errors).toEqual([]);
    }
    // Native: tags on a session's first line; one with tags that must be dropped, one with too many.
    const tooMany = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${String(i).padStart(2, "0")}`, "v"]));
    await ingestNative(scope, [
      nativeLine("native-w2", "2026-03-04", { team: "web", tier: "gold", level: 5 }),
      nativeLine("native-w3", "2026-03-05", { team: "web", "bad\u0001key": "x", long: "v".repeat(300), empty: "" }),
      nativeLine("native-many", "2026-03-06", tooMany),
      nativeLine("native-none", "2026-03-06"),
    ]);
    // Claude Code transcripts that read CLAUDE.md (two versions) and AGENTS.md: the context package's reads.
    for (const run of generatedTeamRuns) {
      const result = await ingestFile(scope, {
        format: "claude-code",
        fileName: `${run.session}.jsonl`,
        body: { bytes: [Buffer.from(`${runLines(run).join("\n")}\n`)], gzip: false },
      });
      expect(result.errors).toEqual([]);
    }
  });

  describe("cohorts by tag", () => {
    it("stores resource attributes and native tags as the run's tags, never identities, and drops bad ones", async () => {
      expect(await taggedSessions(team, "team", "platform")).toEqual(["otel-p1", "otel-p2", "otel-p3"]);
      expect(await taggedSessions(team, "team", "web")).toEqual(["native-w2", "native-w3", "otel-w1"]);
      expect(await taggedSessions(team, "cost_center", "eng-42")).toEqual(["otel-p1", "otel-p2", "otel-p3"]);
      expect(await taggedSessions(team, "service.name", "claude-code")).toHaveLength(4);
      const keys = await db().$queryRaw<{ key: string }[]>`
        SELECT DISTINCT ${RunTagTable.key} FROM ${RunTagTable.$} WHERE ${RunTagTable.teamId} = ${team.teamId}::uuid ORDER BY 1`;
      const stored = keys.map((row) => row.key);
      // user.email and session.id identify; a key with a control character, a value over 256 characters,
      // an empty one and one that is not a string are dropped (the line itself is kept).
      for (const dropped of ["user.email", "session.id", "bad\u0001key", "long", "empty", "level"])
        expect(stored).not.toContain(dropped);
      const many = await db().$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM ${t.$} JOIN ${r.$} ON ${r.teamId} = ${t.teamId} AND ${r.id} = ${t.runId}
        WHERE ${t.teamId} = ${team.teamId}::uuid AND ${r.externalId} = 'native-many'`;
      expect(many[0]!.n).toBe(MAX_TAGS_PER_RUN);
      expect(await taggedSessions(team, "tier", "gold")).toEqual(["native-w2"]);
    });

    it("compares runs by tag, and a tag sent again with another value moves the run", async () => {
      const before = await compare(scope, ["tag:team=platform", "tag:team=web"]);
      expect(runsOf(before)).toEqual([3, 3]);
      expect(before.cohorts.map((c) => c.label)).toEqual(["tag:team=platform", "tag:team=web"]);
      // Spend adds up to the tagged runs' own cost.
      const spend = await db().$queryRaw<{ usd: number }[]>`
        SELECT sum(${Run.costUsd})::float8 AS usd FROM ${Run.$} WHERE ${Run.teamId} = ${team.teamId}::uuid AND ${Run.externalId} LIKE 'otel-p%'`;
      expect(before.cohorts[0]!.spendUsd).toBeCloseTo(spend[0]!.usd, 12);
      await ingestNative(scope, [nativeLine("native-w3", "2026-03-05", { team: "platform" })]);
      expect(runsOf(await compare(scope, ["tag:team=platform", "tag:team=web"]))).toEqual([4, 2]);
      // Combined with another clause, and a tag nobody has.
      expect(runsOf(await compare(scope, ["tag:team=platform,before:2026-03-09", "tag:team=nobody"]))).toEqual([2, 0]);
    });

    it("refuses a tag clause without key=value, through the API", async () => {
      const response = await getCompare(
        request(team.readKey, `/api/v1/compare?from=${range.from}&to=${range.to}&cohort=tag:team&cohort=tag:team=web`),
        { params: Promise.resolve({}) } as never,
      );
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toMatch(/tag needs key=value/);
    });
  });

  describe("cohorts by instruction-file version", () => {
    it("offers each version read, and splits the runs by the version they read", async () => {
      const choices = await cohortChoices(scope, range);
      // The reads returned 4,000 and then 8,000 x's: two versions of CLAUDE.md, named by the hash of what was read.
      const version = (bytes: number) => createHash("sha256").update("x".repeat(bytes)).digest("hex").slice(0, 8);
      const offered = choices.choices.filter((choice) => choice.spec.startsWith("instructions:"));
      expect(offered.map((choice) => choice.spec)).toEqual([
        `instructions:AGENTS.md@${version(400)}`,
        `instructions:CLAUDE.md@${version(4_000)}`,
        `instructions:CLAUDE.md@${version(8_000)}`,
      ]);
      expect(offered[1]!.note).toBe("CLAUDE.md version first read 2026-02-09, 2 runs");
      const result = await compare(scope, [
        `instructions:CLAUDE.md@${version(4_000)}`,
        `instructions:claude.md@${version(8_000)}`,
        "instructions:AGENTS.md",
      ]);
      expect(runsOf(result)).toEqual([2, 2, 2]);
      // Any version of a file, by its path's end: all four alpha runs.
      expect(runsOf(await compare(scope, ["instructions:alpha/CLAUDE.md", "instructions:README.md"]))).toEqual([4, 0]);
    });
  });

  describe("cohorts by saved filter", () => {
    it("saves filters through the API (managers, admins, keys of scope all), lists them and uses them as cohorts", async () => {
      const save = (key: string, body: unknown) =>
        saveFilterRoute(request(key, "/api/v1/saved-filters", "POST", body), { params: Promise.resolve({}) } as never);
      expect((await save(team.readKey, { name: "platform", spec: "tag:team=platform" })).status).toBe(403);
      await expect(
        saveFilter(userScope(team, "MEMBER"), { name: "platform", spec: "tag:team=platform" }),
      ).rejects.toThrow(/manager or admin/);
      const bad = await save(allKey, { name: "loop", spec: "filter:platform" });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.message).toMatch(/cannot name another filter/);
      const created = await save(allKey, { name: "platform", spec: "tag:team=platform,after:2026-03-01" });
      expect(created.status).toBe(201);
      const { filter } = await created.json();
      expect(filter).toMatchObject({ name: "platform", spec: "tag:team=platform,after:2026-03-01" });
      // Saving the name again replaces its spec.
      const replaced = await save(allKey, { name: "platform", spec: "tag:team=platform" });
      expect(replaced.status).toBe(200);
      const listed = await listFiltersRoute(request(team.readKey, "/api/v1/saved-filters"), {
        params: Promise.resolve({}),
      } as never);
      expect((await listed.json()).filters).toEqual([{ id: filter.id, name: "platform", spec: "tag:team=platform" }]);

      const direct = await compare(scope, ["tag:team=platform", "tag:team=web"]);
      const viaFilter = await compare(scope, ["filter:platform", "tag:team=web"]);
      expect(viaFilter.cohorts[0]!.label).toBe("filter:platform");
      expect(viaFilter.cohorts[0]!.runs).toBe(direct.cohorts[0]!.runs);
      expect(viaFilter.cohorts[0]!.spendUsd).toBe(direct.cohorts[0]!.spendUsd);
      // A filter narrowed by the cohort's own clauses; a clause given twice, and an unknown filter, refused.
      expect(runsOf(await compare(scope, ["filter:platform,before:2026-03-09", "tag:team=web"]))).toEqual([2, 2]);
      await expect(compare(scope, ["filter:platform,tag:team=web", "tag:team=web"])).rejects.toThrow(
        /tag is given by .* and by its saved filter/,
      );
      await expect(compare(scope, ["filter:nothing", "tag:team=web"])).rejects.toThrow(/no saved filter is named/);
      expect((await cohortChoices(scope, range)).choices).toContainEqual({
        spec: "filter:platform",
        note: "tag:team=platform",
      });
    });

    it("keeps a saved filter by owner from members, and deletes filters", async () => {
      await saveFilter(scope, { name: "dev", spec: "owner:dev@example.com" });
      await expect(compare(userScope(team, "MEMBER"), ["filter:dev", "tag:team=web"])).rejects.toThrow(
        /cohorts by owner need/,
      );
      const filters = await db().savedFilter.findMany({ where: { teamId: team.teamId, name: "dev" } });
      const gone = await deleteFilterRoute(request(allKey, `/api/v1/saved-filters/${filters[0]!.id}`, "DELETE"), {
        params: Promise.resolve({ id: filters[0]!.id }),
      });
      expect(gone.status).toBe(204);
      const again = await deleteFilterRoute(request(allKey, `/api/v1/saved-filters/${filters[0]!.id}`, "DELETE"), {
        params: Promise.resolve({ id: filters[0]!.id }),
      });
      expect(again.status).toBe(404);
    });
  });

  describe("a date boundary", () => {
    it("splits a cohort's runs in two: before and after one day add up to all of them", async () => {
      const all = await compare(scope, ["tag:service.name=claude-code", "tag:team=web"]);
      const split = await compare(scope, [
        "tag:service.name=claude-code,before:2026-03-09",
        "tag:service.name=claude-code,after:2026-03-09",
      ]);
      expect(runsOf(split)).toEqual([2, 2]);
      expect(split.cohorts[0]!.runs + split.cohorts[1]!.runs).toBe(all.cohorts[0]!.runs);
      expect(split.cohorts[0]!.spendUsd + split.cohorts[1]!.spendUsd).toBeCloseTo(all.cohorts[0]!.spendUsd, 12);
      expect(split.sharedRuns).toBe(0);
    });
  });
}
