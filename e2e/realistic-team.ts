/**
 * A team's month as the pages would see it: the real traces of fixtures/multi-machine (Claude
 * Code and Codex, four machines, tool output, compactions) moved to the last two weeks, and
 * generated runs of six people on five projects with six models, cache misses after idle gaps,
 * outcomes and a budget. Deterministic but for the dates, which end yesterday (UTC).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { createKeyOnPage } from "./helpers";

const machines = path.resolve("fixtures/multi-machine");
const DAY_MS = 86_400_000;
const ISO_INSTANT = /"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)"/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : name.endsWith(".jsonl") ? [full] : [];
  });
}

/** The text with every quoted instant moved by `shiftMs` (token counts and everything else untouched). */
function shifted(text: string, shiftMs: number): string {
  return text.replace(
    ISO_INSTANT,
    (_, instant: string) => `"${new Date(Date.parse(instant) + shiftMs).toISOString()}"`,
  );
}

function latestInstant(texts: string[]): number {
  let latest = 0;
  for (const text of texts)
    for (const match of text.matchAll(ISO_INSTANT)) latest = Math.max(latest, Date.parse(match[1]!));
  return latest;
}

const yesterdayNoon = () => {
  const today = new Date();
  return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - DAY_MS / 2;
};

const PEOPLE = ["ana", "bo", "dan", "erin", "farid", "grace"] as const;
const PROJECTS = ["billing-api", "web-app", "infra", "mobile", "data-pipeline"] as const;
const MODELS = [
  "claude-opus-4-6",
  "claude-sonnet-4-5-20250929",
  "claude-haiku-4-5-20251001",
  "gpt-5",
  "gpt-5-codex",
  "gpt-5-mini",
] as const;
const TASKS = [
  "Fix the flaky checkout test",
  "Add retry to the webhook sender",
  "Migrate the ledger export to streaming",
  "Upgrade the date library",
  "Speed up the nightly import",
  "Onboarding flow: remember the last step",
];

/** Runs in the native format: context grows call by call, read from the cache, written again after an idle gap. */
function generatedRuns(): { text: string; sessions: string[] } {
  const lines: string[] = [];
  const sessions: string[] = [];
  const end = yesterdayNoon();
  for (let i = 0; i < 36; i++) {
    const person = PEOPLE[i % PEOPLE.length]!;
    const project = PROJECTS[(i * 7) % PROJECTS.length]!;
    const model = MODELS[(i * 5) % MODELS.length]!;
    const sessionId = `generated-${i}`;
    sessions.push(sessionId);
    let time = end - Math.floor((i * 20) / 36) * DAY_MS - (i % 5) * 3_600_000;
    let context = 12_000 + (i % 4) * 3_000;
    const calls = 6 + ((i * 11) % 30);
    for (let c = 0; c < calls; c++) {
      const idle = c > 0 && c % 9 === 0;
      time += idle ? 75 * 60_000 : 20_000 + ((i + c) % 7) * 9_000;
      const added = 600 + ((i * 13 + c * 29) % 3_500);
      const first = c === 0 || idle;
      lines.push(
        JSON.stringify({
          sessionId,
          callKey: `call-${c}`,
          timestamp: new Date(time).toISOString(),
          model,
          inputTokens: 40 + (c % 5) * 10,
          outputTokens: 300 + ((i * 17 + c * 31) % 2_400),
          cacheWriteTokens: first ? context + added : added,
          cacheReadTokens: first ? 0 : context,
          cwd: `/home/${person}/src/${project}`,
          gitBranch: `feat/${project}-${i}`,
          title: TASKS[i % TASKS.length],
        }),
      );
      context += added;
    }
  }
  return { text: `${lines.join("\n")}\n`, sessions };
}

export interface RealisticTeam {
  /** Run ids, most expensive first. */
  runIds: string[];
}

/** Sends the month through the ingest API and the outcomes and budgets APIs, as the team's admin. */
export async function seedRealisticTeam(page: Page): Promise<RealisticTeam> {
  const key = await createKeyOnPage(page, "realistic-team", "ingest");
  const post = async (file: string, body: string) => {
    const response = await page.request.post(`/api/v1/ingest?format=auto&file=${encodeURIComponent(file)}`, {
      headers: { authorization: `Bearer ${key}` },
      data: body,
    });
    expect(response.status(), `${file}: ${await response.text()}`).toBe(200);
  };
  const machineNames = readdirSync(machines).filter((name) => statSync(path.join(machines, name)).isDirectory());
  for (const [index, machine] of machineNames.entries()) {
    const paths = files(path.join(machines, machine));
    const texts = paths.map((file) => readFileSync(file, "utf8"));
    // Each machine's last call lands on a different recent day: 1, 4, 7 and 10 days ago.
    const shiftMs = yesterdayNoon() - index * 3 * DAY_MS - latestInstant(texts);
    for (const [i, file] of paths.entries()) await post(path.relative(machines, file), shifted(texts[i]!, shiftMs));
  }
  const generated = generatedRuns();
  await post("generated.jsonl", generated.text);
  for (const [i, externalId] of generated.sessions.entries()) {
    if (i % 3 === 2) continue;
    const response = await page.request.post("/api/v1/outcomes", {
      headers: { authorization: `Bearer ${key}` },
      data: { externalId, status: i % 3 === 0 ? "ACCEPTED" : i % 2 === 0 ? "REJECTED" : "ABANDONED" },
    });
    expect(response.status()).toBe(201);
  }
  for (const budget of [
    { name: "Team monthly", scope: { kind: "team", value: null }, period: "month", amountUsd: 40 },
    { name: "Opus weekly", scope: { kind: "model", value: "claude-opus-4-6" }, period: "week", amountUsd: 5 },
  ]) {
    // A write with the session cookie must name this site as its origin, as the Budgets page's would.
    const response = await page.request.post("/api/v1/budgets", {
      data: budget,
      headers: { origin: new URL(page.url()).origin },
    });
    expect(response.status(), await response.text()).toBe(201);
  }
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 40 * DAY_MS).toISOString().slice(0, 10);
  const runs = (await (await page.request.get(`/api/v1/runs?from=${from}&to=${to}&sort=cost`)).json()) as {
    runs: { id: string }[];
  };
  expect(runs.runs.length).toBeGreaterThan(30);
  return { runIds: runs.runs.map((run) => run.id) };
}
