import { expect, test } from "@playwright/test";
import { formatUsd } from "../lib/format";
import { createKeyOnPage, signInToTeam } from "./helpers";

const CHEAP = "claude-sonnet-4-5";
const DEAR = "claude-opus-4-6";
const RUNS_PER_MODEL = 30;

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Two models in one project: the dear one spends three times the output per run and has half the
 * accepted outcomes. Deterministic: run i of each model is spread over the last 8 weeks.
 */
function generatedRuns(): { lines: string; accepted: string[] } {
  const lines: string[] = [];
  const accepted: string[] = [];
  for (const [model, output, acceptEvery] of [
    [CHEAP, 20_000, [0, 1, 2, 3]],
    [DEAR, 60_000, [0, 2]],
  ] as const) {
    for (let i = 0; i < RUNS_PER_MODEL; i++) {
      const sessionId = `${model}-${i}`;
      const timestamp = `${daysAgo(2 + Math.floor((i * 54) / RUNS_PER_MODEL))}T10:00:00Z`;
      lines.push(
        JSON.stringify({
          sessionId,
          callKey: "c1",
          timestamp,
          model,
          inputTokens: 2000,
          outputTokens: output + i * 500,
          cwd: "/work/shop",
          title: `task ${i}`,
        }),
      );
      if ((acceptEvery as readonly number[]).includes(i % 5)) accepted.push(sessionId);
    }
  }
  return { lines: `${lines.join("\n")}\n`, accepted };
}

test("Compare workflows: two models side by side, a verdict, the weekly trend and the CSV", async ({ page }) => {
  test.setTimeout(180_000);
  await signInToTeam(page, "e2e-workflows");
  const key = await createKeyOnPage(page, "workflows", "ingest");
  const { lines, accepted } = generatedRuns();
  const ingest = await page.request.post("/api/v1/ingest?format=native&file=generated.jsonl", {
    headers: { authorization: `Bearer ${key}` },
    data: lines,
  });
  expect(ingest.status()).toBe(200);
  expect((await ingest.json()).runs).toBe(2 * RUNS_PER_MODEL);
  for (const externalId of accepted) {
    const response = await page.request.post("/api/v1/outcomes", {
      headers: { authorization: `Bearer ${key}` },
      data: { externalId, status: "ACCEPTED" },
    });
    expect(response.status()).toBe(201);
  }

  // The sidebar link; the page suggests the team's two most used models by itself.
  await page.goto("/");
  await page.getByRole("link", { name: "Compare workflows" }).click();
  await expect(page).toHaveURL(/\/workflows/);
  await page.getByTestId("cohort-1").fill(`model:${DEAR}`);
  await page.getByTestId("cohort-2").fill(`model:${CHEAP}`);
  await page.getByLabel("From", { exact: true }).fill(daysAgo(70));
  await page.getByLabel("To", { exact: true }).fill(daysAgo(0));
  await page.getByRole("button", { name: "Compare" }).click();
  await expect(page).toHaveURL(/cohort=model%3Aclaude-opus-4-6/);

  const query = new URL(page.url()).search;
  const api = await (await page.request.get(`/api/v1/compare${query}`)).json();
  expect(api.verdict.kind).toBe("winner");
  expect(api.verdict.winner).toBe(`model:${CHEAP}`);
  await expect(page.getByTestId("compare-verdict")).toHaveText(api.verdict.text);
  await expect(page.getByTestId("compare-verdict")).toContainText(`model:${CHEAP} costs less per accepted outcome`);
  const table = page.getByTestId("compare-table");
  await expect(table.getByTestId("compare-winner")).toHaveCount(1);
  await expect(table.locator("thead th").nth(2)).toContainText(`model:${CHEAP}`);
  await expect(table.getByRole("row", { name: /^Runs/ })).toContainText(`${RUNS_PER_MODEL}`);
  await expect(table.getByRole("row", { name: /^Cost per accepted outcome/ }).first()).toContainText(
    formatUsd(api.cohorts[1].costPerAcceptedUsd),
  );
  // Discovery made one project of the runs' repository folder, so they are matched within it.
  await expect(page.getByTestId("compare-matching")).toContainText("Projects: shop (100%)");
  // One line per cohort in the weekly trend.
  await expect(page.getByTestId("compare-trend-chart").locator(".recharts-line")).toHaveCount(2);

  const download = page.waitForEvent("download");
  await page.getByTestId("csv-download").click();
  const csv = await (await download).createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of csv) chunks.push(chunk as Buffer);
  const rows = Buffer.concat(chunks).toString("utf8").trim().split("\r\n");
  expect(rows[0]).toMatch(/^cohort,runs,acceptedOutcomes,/);
  expect(rows[2]).toMatch(new RegExp(`^model:${CHEAP},${RUNS_PER_MODEL},24,.*,winner,yes$`));
  // The API's own CSV says the same.
  const apiCsv = await page.request.get(`/api/v1/compare${query}&format=csv`);
  expect((await apiCsv.text()).trim().split("\r\n")).toEqual(rows);

  await page.screenshot({ path: "test-results/workflows.png", fullPage: true });
});
