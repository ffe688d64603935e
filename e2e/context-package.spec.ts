import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { formatUsd } from "../lib/format";
import { generatedTeamRuns, runLines } from "../lib/testing/context-package-traces";
import { openUploader, signInToTeam } from "./helpers";

test("the Context page shows each project's package over time, what is in it, its weekly cost and recommendations equal to the API's", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const folder = testInfo.outputPath("context-traces");
  mkdirSync(folder, { recursive: true });
  for (const run of generatedTeamRuns)
    writeFileSync(path.join(folder, `${run.session}.jsonl`), `${runLines(run).join("\n")}\n`);

  await signInToTeam(page, "e2e-context");
  await openUploader(page);
  await page.getByTestId("upload-folder-input").setInputFiles(folder);
  await expect(page.getByTestId("upload-summary")).toBeVisible({ timeout: 60_000 });

  await page.getByRole("link", { name: "Context" }).click();
  await page.goto("/context?from=2026-02-01&to=2026-02-28&project=alpha");
  const api = await (
    await page.request.get("/api/v1/context-package?from=2026-02-01&to=2026-02-28&groupBy=project")
  ).json();
  expect(api.recommendations.length).toBe(5);
  await expect(page.getByTestId("package-summary")).toContainText(formatUsd(api.totals.packageCostUsd));
  await expect(page.getByTestId("package-size-chart").locator(".recharts-line-dot").first()).toBeVisible();
  await expect(page.getByTestId("package-contents")).toContainText("linear");
  await expect(page.getByTestId("package-contents")).toContainText("/home/dev/alpha/CLAUDE.md");
  const alpha = api.rows.find((row: { key: string }) => row.key === "alpha");
  await expect(page.getByTestId("weekly-cost")).toContainText(formatUsd(alpha.weekly[1].packageCostUsd));
  const mcp = api.recommendations.find((r: { kind: string }) => r.kind === "mcp-rarely-used");
  await expect(page.getByTestId("recommendations").first()).toContainText(mcp.text);
  await page.screenshot({ path: testInfo.outputPath("context-page.png"), fullPage: true });
  await page.screenshot({ path: path.resolve("test-results/context-page.png"), fullPage: true });

  // A recommendation links to the runs that prove it.
  await page.getByTestId("recommendations").first().getByRole("link", { name: "1", exact: true }).first().click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]+$/);
});
