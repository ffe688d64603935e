import path from "node:path";
import { expect, test } from "@playwright/test";
import { createKeyOnPage, ingestFolderThroughApi, signInToTeam } from "./helpers";

/** Real Claude Code transcripts from February 2026 (fixtures/real/SOURCES.md: 33 calls, $1.564895). */
const transcripts = path.resolve("fixtures/real/spotter/test/fixtures/transcripts");
const range = "from=2026-01-01&to=2026-03-31";

test("a retention limit deletes old raw calls; every total stays and the run page says which calls are gone", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signInToTeam(page, "e2e-retention");
  await ingestFolderThroughApi(page, await createKeyOnPage(page, "retention-spec"), transcripts);
  const read = async (url: string) => (await page.request.get(url)).json();
  const spendBefore = await read(`/api/v1/spend?${range}&groupBy=model`);
  const wasteBefore = await read(`/api/v1/waste?${range}&groupBy=run`);
  const runsBefore = (await read(`/api/v1/runs?${range}&sort=cost&limit=100`)).runs as { id: string; calls: number }[];
  const run = runsBefore[0]!;
  expect((await read(`/api/v1/runs/${run.id}`)).calls).toHaveLength(run.calls);

  await page.goto("/settings/retention");
  await expect(page.getByTestId("retention-now")).toHaveText("Raw calls are kept forever.");
  await page.getByLabel("Keep raw calls for").fill("30");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("retention-now")).toHaveText("Raw calls are kept 30 days (by their UTC day).");

  // The fixtures are months old: every call goes, in the background.
  await expect.poll(async () => (await read(`/api/v1/runs/${run.id}`)).calls.length, { timeout: 30_000 }).toBe(0);
  await page.goto(`/runs/${run.id}`);
  await expect(page.getByTestId("calls-removed")).toContainText("are no longer kept");
  await expect(page.getByTestId("calls-removed")).toContainText(`still count all ${run.calls} calls`);
  await expect(page.locator(".chart-empty")).toHaveText("This run's calls are no longer kept.");
  await page.screenshot({ path: "/tmp/shots-retention-run.png", fullPage: true });

  expect(await read(`/api/v1/spend?${range}&groupBy=model`)).toEqual(spendBefore);
  expect(await read(`/api/v1/waste?${range}&groupBy=run`)).toEqual(wasteBefore);
  expect((await read(`/api/v1/runs?${range}&sort=cost&limit=100`)).runs).toEqual(runsBefore);

  // Back to forever: nothing comes back, and nothing changes.
  await page.goto("/settings/retention");
  await page.getByLabel("Keep raw calls for").fill("");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("retention-now")).toHaveText("Raw calls are kept forever.");
  expect(await read(`/api/v1/spend?${range}&groupBy=model`)).toEqual(spendBefore);
});
