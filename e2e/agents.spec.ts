import path from "node:path";
import { expect, test } from "@playwright/test";
import { openUploader, signInToTeam } from "./helpers";

/**
 * One sample file of each other agent (fixtures/agents/SOURCES.md), uploaded together through the
 * Ingest page's file picker, OpenCode's SQLite database among them; then the overview by agent.
 */
const agents = path.resolve("fixtures/agents");
const samples = [
  {
    file: "gemini/v0.61.0/tmp/demo-project/chats/session-2026-11-30T11-48-a39fe66b.jsonl",
    agent: "gemini-cli",
    calls: 5,
  },
  { file: "opencode/v1.18.33/opencode.db", agent: "opencode", calls: 4 },
  {
    file: "qwen/v0.24.4/projects/-home-dev-qwen-demo-project/chats/5dee57c9-3622-4237-af0f-7c3cd257a92e.jsonl",
    agent: "qwen-code",
    calls: 4,
  },
  { file: "copilot/splitrail/session-state/cli-session-usage/events.jsonl", agent: "copilot-cli", calls: 2 },
  { file: "amp/ccusage-rust/threads/T-thread-a.json", agent: "amp", calls: 2 },
];
const totalCalls = samples.reduce((sum, sample) => sum + sample.calls, 0);
const range = { from: "2026-01-01", to: "2026-11-30" };

test("one file of each agent through the upload page; the overview groups and filters by agent", async ({ page }) => {
  test.setTimeout(180_000);
  await signInToTeam(page, "e2e-agents");
  await openUploader(page);
  await page.getByTestId("upload-files-input").setInputFiles(samples.map((sample) => path.join(agents, sample.file)));
  const summary = page.getByTestId("upload-summary");
  await expect(summary).toBeVisible({ timeout: 60_000 });
  await expect(summary.locator('[data-stat="files"]')).toHaveText(String(samples.length));
  await expect(summary.locator('[data-stat="calls"]')).toHaveText(String(totalCalls));
  await expect(summary.locator('[data-stat="errors"]')).toHaveText("0");
  for (const sample of samples) {
    await expect(
      page.locator(`[data-testid="upload-file-row"][data-file="${path.basename(sample.file)}"]`),
    ).toHaveAttribute("data-status", "done");
  }

  // The spend API by agent: each sample's calls under its agent's name.
  const byAgent = await (
    await page.request.get(`/api/v1/spend?${new URLSearchParams({ ...range, groupBy: "agent" })}`)
  ).json();
  expect(Object.fromEntries(byAgent.rows.map((row: { key: string; calls: number }) => [row.key, row.calls]))).toEqual(
    Object.fromEntries(samples.map((sample) => [sample.agent, sample.calls])),
  );
  expect(byAgent.totals.calls).toBe(totalCalls);

  // The overview stacked and tabled by agent, then filtered to one.
  await page.goto(`/?${new URLSearchParams({ ...range, period: "custom", stackBy: "agent" })}`);
  await expect(page.getByLabel("Stack by")).toHaveValue("agent");
  await expect(page.getByTestId("spend-by-agent").locator("tbody tr")).toHaveCount(samples.length);
  for (const sample of samples) await expect(page.getByTestId("spend-by-agent")).toContainText(sample.agent);
  const amp = byAgent.rows.find((row: { key: string }) => row.key === "amp");
  await page.goto(`/?${new URLSearchParams({ ...range, period: "custom", agent: "amp" })}`);
  await expect(page.locator(`select[name="agent"]`)).toHaveValue("amp");
  expect(Number(await page.getByTestId("overview-total").getAttribute("data-usd"))).toBeCloseTo(amp.costUsd, 12);
  await expect(page.getByTestId("spend-by-agent").locator("tbody tr")).toHaveCount(1);
});
