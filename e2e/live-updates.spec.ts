/**
 * Pages that update what an action changes at once, without a reload: the overview's stack-by,
 * the Waste page's recompute with its progress, and an identity linked to a person. Each test
 * marks the window first; a full page load would clear the mark.
 */
import { expect, type Page, test } from "@playwright/test";
import { signInToTeam } from "./helpers";
import { seedRealisticTeam } from "./realistic-team";

async function markWindow(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { unreloaded: boolean }).unreloaded = true;
  });
}

async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { unreloaded?: boolean }).unreloaded)).toBe(true);
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  const page = await browser.newPage();
  await signInToTeam(page, "e2e-live");
  await seedRealisticTeam(page);
  await page.close();
});

test.beforeEach(async ({ page }) => {
  await signInToTeam(page, "e2e-live");
});

test("changing stack-by redraws the chart at once and keeps the choice in the address", async ({ page }) => {
  await page.goto("/");
  const panel = page.getByTestId("spend-per-day");
  await expect(panel.getByRole("heading")).toHaveText("Spend per day by owner");
  await expect(panel.locator(".recharts-legend-item-text").first()).toBeVisible();
  await markWindow(page);
  const daily = page.waitForResponse((response) => response.url().includes("/api/v1/spend/daily"));
  await page.getByLabel("Stack by").selectOption("model");
  expect((await daily).status()).toBe(200);
  await expect(panel.getByRole("heading")).toHaveText("Spend per day by model");
  await expect(panel.locator(".recharts-legend-item-text", { hasText: "claude-opus-4-6" })).toBeVisible();
  await expect(page).toHaveURL(/stackBy=model/);
  await expectNoReload(page);
  // No two series of the chart share a colour.
  const fills = await panel
    .locator(".recharts-legend-item path")
    .evaluateAll((paths) => paths.map((path) => path.getAttribute("fill")));
  expect(fills.length).toBeGreaterThan(3);
  expect(new Set(fills).size).toBe(fills.length);
  // The period links and Apply keep the stack chosen on the chart.
  await page.getByRole("link", { name: "Last 30 days" }).click();
  await expect(page).toHaveURL(/period=last-30-days/);
  await expect(page.getByLabel("Stack by")).toHaveValue("model");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/stackBy=model/);
  await expect(page.getByLabel("Stack by")).toHaveValue("model");
});

test("Recompute findings shows its progress until it is done, without a reload", async ({ page }) => {
  await page.goto("/waste");
  await expect(page.getByTestId("top-finding").first()).toBeVisible();
  await markWindow(page);
  const seen: string[] = [];
  const status = page.getByTestId("recompute-status");
  await page.getByRole("button", { name: "Recompute findings" }).click();
  // Poll what the page shows until the job is done: it never reads "?" and ends with the time.
  await expect
    .poll(
      async () => {
        const text = (await status.textContent().catch(() => null)) ?? "";
        seen.push(text);
        return status.getAttribute("data-status").catch(() => null);
      },
      { timeout: 60_000, intervals: [100] },
    )
    .toBe("done");
  expect(seen.join("\n")).not.toContain("?");
  await expect(status).toHaveText(/^Last recomputed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  await expect(page.getByRole("button", { name: "Recompute findings" })).toBeEnabled();
  await expectNoReload(page);
  const job = await (await page.request.get("/api/v1/waste/recompute")).json();
  expect(job.job).toMatchObject({ status: "done" });
  expect(job.job.done).toBe(job.job.total);
  expect(job.job.total).toBeGreaterThan(30);
});

test("linking an identity shows the person at once", async ({ page }) => {
  await page.goto("/ownership");
  await page.getByText(/Every identity the traces name/).click();
  const select = page.getByLabel("Person for runner");
  await expect(select.locator("option:checked")).toHaveText("(nobody)");
  await markWindow(page);
  await select.selectOption({ label: "ana" });
  await select.locator("xpath=ancestor::form").getByRole("button", { name: "Link" }).click();
  await expect(page.locator('[data-testid="person-row"][data-name="ana"]')).toContainText("runner");
  await expect(page.getByLabel("Person for runner").locator("option:checked")).toHaveText("ana");
  await expectNoReload(page);
  await page.reload();
  await page.getByText(/Every identity the traces name/).click();
  await expect(page.getByLabel("Person for runner").locator("option:checked")).toHaveText("ana");
});

test("a range without data says so in the same note on every page, and links to the days that have data", async ({
  page,
}) => {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const empty = { from: day(1), to: day(3) };
  for (const path of ["/", "/runs", "/waste", "/context", "/workflows"]) {
    await page.goto(`${path}?${new URLSearchParams(empty)}`);
    const note = page.getByTestId("range-notice");
    await expect(note).toContainText(`No data from ${empty.from} to ${empty.to}: the latest is from ${day(-1)}.`);
    await note.getByTestId("range-notice-suggestion").click();
    await expect(page.getByTestId("range-notice")).toHaveCount(0);
    await expect(page.locator(".page-head p")).toContainText(day(-1));
  }
  // The date fields take and show days as yyyy-mm-dd, and refuse another shape before sending.
  await page.goto("/waste");
  const from = page.getByLabel("From", { exact: true });
  await expect(from).toHaveAttribute("type", "text");
  await expect(from).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
  await from.fill("11/24/2026");
  expect(await from.evaluate((input: HTMLInputElement) => input.checkValidity())).toBe(false);
});
