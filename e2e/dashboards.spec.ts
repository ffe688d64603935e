import { createHmac } from "node:crypto";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { formatUsd } from "../lib/format";
import { createKeyOnPage, ingestFolderThroughApi, signInToTeam } from "./helpers";

/** Real Claude Code transcripts with known totals (fixtures/real/SOURCES.md: 33 calls, $1.564895). */
const transcripts = path.resolve("fixtures/real/spotter/test/fixtures/transcripts");
const expectedTotalUsd = 1.564895;
/** The one spotter session on branch spotter-dov (with a compaction subagent). */
const branchRunSession = "4d5611e5-241a-462a-8d15-5122611a9569";

async function ingestSpotter(page: Page) {
  await ingestFolderThroughApi(page, await createKeyOnPage(page, "dashboards-spec"), transcripts);
}

test("overview, runs, drill-down and compare on fixture data; a webhook-accepted run moves cost per accepted outcome", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signInToTeam(page, "e2e-dashboards");
  await ingestSpotter(page);

  // The overview's default range is empty (the fixtures are from February 2026): it falls back to the last days with data.
  await page.goto("/");
  await expect(page.getByTestId("range-notice")).toContainText("showing the 7 days up to the latest data");
  const from = await page.getByLabel("From").inputValue();
  const to = await page.getByLabel("To").inputValue();
  const spend = await (await page.request.get(`/api/v1/spend?from=${from}&to=${to}&groupBy=day`)).json();
  expect(Math.abs(spend.totals.costUsd - expectedTotalUsd)).toBeLessThanOrEqual(1e-6);
  const total = page.getByTestId("overview-total");
  await expect(total).toHaveText("$1.56");
  expect(Number(await total.getAttribute("data-usd"))).toBe(spend.totals.costUsd);
  const byModel = await (await page.request.get(`/api/v1/spend?from=${from}&to=${to}&groupBy=model`)).json();
  await expect(page.getByTestId("spend-by-model").locator("tbody tr")).toHaveCount(byModel.rows.length);
  await expect(page.getByTestId("spend-per-day-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(
    page.getByTestId("outcome-trend-chart").or(page.getByTestId("outcome-cost").locator(".chart-empty")),
  ).toBeVisible();
  await page.screenshot({ path: "/tmp/shots-dash-overview.png", fullPage: true });

  // Stacked by model, shared through the URL.
  await page.goto(`/?from=${from}&to=${to}&period=custom&stackBy=model`);
  await expect(page.getByLabel("Stack by")).toHaveValue("model");
  await expect(page.getByTestId("overview-total")).toHaveText("$1.56");

  // Runs list, most expensive first, and the drill-down of the compaction run.
  await page.goto("/runs");
  await expect(page.getByTestId("run-row").first()).toBeVisible();
  await page.screenshot({ path: "/tmp/shots-dash-runs.png", fullPage: true });
  const runs = (await (await page.request.get(`/api/v1/runs?from=2026-01-01&to=2026-03-31&sort=cost`)).json()).runs as {
    id: string;
    externalId: string;
    calls: number;
  }[];
  const branchRun = runs.find((run) => run.externalId === branchRunSession)!;
  expect(branchRun).toBeDefined();
  await page.goto(`/runs/${branchRun.id}`);
  const chart = page.getByTestId("context-chart");
  await expect(chart).toHaveAttribute("data-points", String(branchRun.calls));
  await expect(chart.getByTestId("context-point")).toHaveCount(branchRun.calls);
  // The timeline draws only the rows in view (e2e/long-run.spec.ts); a link by ordinal reaches any of them.
  const rows = await page.getByTestId("call-row").count();
  expect(rows).toBeGreaterThan(0);
  expect(rows).toBeLessThanOrEqual(branchRun.calls);
  const detail = (await (await page.request.get(`/api/v1/runs/${branchRun.id}`)).json()) as {
    calls: { ordinal: number; agentId: string | null }[];
  };
  const compaction = detail.calls.find((call) => call.agentId?.startsWith("acompact"))!;
  await page.goto(`/runs/${branchRun.id}#call-${compaction.ordinal}`);
  await expect(page.locator(`[id="call-${compaction.ordinal}"]`)).toContainText("compaction");
  await page.screenshot({ path: "/tmp/shots-dash-run.png", fullPage: true });
  // A chart point leads to its call in the timeline.
  // Dispatched, not clicked at coordinates: a marker may sit on top of the dot.
  const point = chart.getByTestId("context-point").nth(branchRun.calls - 2);
  const ordinal = await point.getAttribute("data-call-ordinal");
  expect(ordinal).toBe(String(branchRun.calls - 1));
  await point.dispatchEvent("click");
  await expect(page).toHaveURL(new RegExp(`#call-${ordinal}$`));
  await expect(page.locator(`[id="call-${ordinal}"]`)).toBeInViewport();

  // Two runs side by side.
  const other = runs.find((run) => run.id !== branchRun.id)!;
  await page.goto(`/runs/compare?a=${branchRun.id}&b=${other.id}`);
  await expect(page.getByTestId("compare-table")).toBeVisible();
  await expect(page.getByTestId("compare-chart").locator(".recharts-line").first()).toBeVisible();
  await page.screenshot({ path: "/tmp/shots-dash-compare.png", fullPage: true });

  // The GitHub webhook: set a secret, a bad signature changes nothing, a merged PR from the run's branch accepts it.
  await page.goto("/settings/webhooks");
  await page.getByRole("button", { name: "Generate secret" }).click();
  const secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
  const webhookUrl = (await page.getByTestId("webhook-url").textContent())!.trim();
  await page.screenshot({ path: "/tmp/shots-dash-webhook-settings.png", fullPage: true });
  const today = new Date().toISOString().slice(0, 10);
  const outcomesView = `/?period=custom&from=2026-01-01&to=${today}`;
  await page.goto(outcomesView);
  await expect(page.getByTestId("cost-per-accepted")).toHaveText("none accepted");

  // The branch run worked in a worktree (/home/USER/projects/spotter-worktrees/spotter-dov) with no
  // git remote in its trace: a project with the repository and that path says which repository it is (discovery named the
  // repository folder "spotter" but knows no remote).
  await page.goto("/ownership");
  await page.getByLabel("New project").fill("spotter-app");
  await page.getByLabel("Repository (glob)").fill("*github.com/marco/spotter*");
  await page.getByLabel("Path (glob)").fill("**/spotter-worktrees/**");
  await page.getByRole("button", { name: "Add project" }).click();
  await expect(page.locator(".notice.ok").first()).toBeVisible();
  const body = JSON.stringify({
    action: "closed",
    number: 12,
    repository: { full_name: "marco/spotter", html_url: "https://github.com/marco/spotter" },
    pull_request: {
      number: 12,
      html_url: "https://github.com/marco/spotter/pull/12",
      merged: true,
      merge_commit_sha: "9f0c2d1e4b5a69788766554433221100ffeeddcc",
      head: {
        ref: "spotter-dov",
        sha: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
        repo: { full_name: "marco/spotter", html_url: "https://github.com/marco/spotter" },
      },
      base: { ref: "master" },
    },
  });
  const post = (signature: string) =>
    page.request.post(new URL(webhookUrl).pathname, {
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": `dashboards-${signature.slice(7, 19)}`,
        "x-hub-signature-256": signature,
      },
      data: Buffer.from(body),
    });
  const bad = await post(`sha256=${createHmac("sha256", "not the secret").update(body).digest("hex")}`);
  expect(bad.status()).toBe(401);
  const cost = await (await page.request.get(`/api/v1/outcomes/cost?from=2026-01-01&to=${today}&groupBy=week`)).json();
  expect(cost.totals.acceptedOutcomes).toBe(0);

  const good = await post(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  expect(good.status()).toBe(200);
  expect((await good.json()).matchedRuns).toEqual([
    { runId: branchRun.id, matchedBy: "branch", repositoryMatch: "project" },
  ]);
  const after = await (await page.request.get(`/api/v1/outcomes/cost?from=2026-01-01&to=${today}&groupBy=week`)).json();
  expect(after.totals.acceptedOutcomes).toBe(1);
  expect(Math.abs(after.totals.costPerAcceptedUsd - expectedTotalUsd)).toBeLessThanOrEqual(1e-6);
  await page.goto(outcomesView);
  await expect(page.getByTestId("cost-per-accepted")).toHaveText(formatUsd(after.totals.costPerAcceptedUsd));
  await expect(page.getByTestId("accepted-outcomes")).toHaveText("1");
  await page.getByTestId("outcome-cost").screenshot({ path: "/tmp/shots-dash-outcomes.png" });
  await page.goto(`/runs/${branchRun.id}`);
  await expect(page.getByTestId("run-outcome-status")).toHaveText("accepted");
  await expect(page.getByTestId("run-outcome-explanation")).toHaveText(
    /^accepted: PR #12 of marco\/spotter, matched by branch within the repository \(the run's project is that repository's\)/,
  );
});
