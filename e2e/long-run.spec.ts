/**
 * A 10,000-call run's page stays usable: the timeline draws only the rows in view, the context
 * chart summarises the run in a few hundred bars with a brush to zoom, links by ordinal reach any
 * call, and the page logs no errors. The run is built here in the native format (README).
 */
import { expect, test } from "@playwright/test";
import { createKeyOnPage, signInToTeam } from "./helpers";

const CALLS = 10_000;

/** One call every 2 seconds; context grows by 300 tokens a call, and every 1,000th call misses the cache. */
function nativeRun(sessionId: string): string {
  const start = Date.parse("2026-03-02T08:00:00Z");
  const lines: string[] = [];
  for (let i = 1; i <= CALLS; i++) {
    const context = 2_000 + (i % 2_000) * 300;
    const miss = i % 1_000 === 0;
    lines.push(
      JSON.stringify({
        sessionId,
        callKey: `call-${i}`,
        timestamp: new Date(start + i * 2_000).toISOString(),
        model: "claude-sonnet-4-5",
        inputTokens: 12,
        cacheReadTokens: miss ? 0 : context - 300,
        cacheWriteTokens: miss ? context : 300,
        outputTokens: 150 + (i % 7) * 40,
        title: "A very long run",
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

test("a 10,000-call run's page draws a bounded number of rows and bars, scrolls to later calls, zooms, and logs no errors", async ({
  page,
}) => {
  test.setTimeout(300_000);
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  // A navigation cancels the links' prefetches still in flight (net::ERR_ABORTED): not a failure.
  page.on("requestfailed", (request) => {
    if (request.failure()?.errorText !== "net::ERR_ABORTED")
      problems.push(`${request.method()} ${request.url()} ${request.failure()?.errorText}`);
  });

  await signInToTeam(page, "e2e-long-run");
  const key = await createKeyOnPage(page, "long run", "ingest");
  const response = await page.request.post("/api/v1/ingest?format=native&file=long-run.jsonl", {
    headers: { authorization: `Bearer ${key}` },
    data: nativeRun(`long-run-${Date.now()}`),
    timeout: 240_000,
  });
  expect(response.status()).toBe(200);
  const ingested = await response.json();
  expect(ingested.calls).toBe(CALLS);
  expect(ingested.errorCount).toBe(0);
  const runId = ingested.runIds[0] as string;

  await page.goto(`/runs/${runId}`);
  const timeline = page.getByTestId("call-timeline");
  await expect(timeline).toContainText(`Timeline (10,000 calls)`);
  await expect(page.locator('[id="call-1"]')).toBeVisible();
  const drawn = await page.getByTestId("call-row").count();
  expect(drawn).toBeGreaterThan(5);
  expect(drawn).toBeLessThan(200);

  const chart = page.getByTestId("context-chart");
  await expect(chart).toHaveAttribute("data-points", String(CALLS));
  const bars = Number(await chart.getAttribute("data-bars"));
  expect(bars).toBeGreaterThan(100);
  expect(bars).toBeLessThanOrEqual(300);
  // The whole page's size does not follow the run's length (10,000 rows would be over 100,000 nodes).
  expect(await page.evaluate(() => document.getElementsByTagName("*").length)).toBeLessThan(15_000);
  await page.screenshot({ path: "/tmp/long-run.png", fullPage: true });

  // Scrolling the timeline shows the last calls, still with few rows drawn.
  await page.getByTestId("timeline-scroll").evaluate((element) => {
    element.scrollTop = element.scrollHeight;
  });
  await expect(page.locator(`[id="call-${CALLS}"]`)).toBeVisible();
  await expect(page.locator('[id="call-1"]')).toHaveCount(0);
  expect(await page.getByTestId("call-row").count()).toBeLessThan(200);

  // A link by ordinal reaches a row that was not drawn.
  await page.goto(`/runs/${runId}#call-5000`);
  await expect(page.locator('[id="call-5000"]')).toBeInViewport();
  await expect(page.locator('[id="call-5000"]')).toHaveClass(/targeted/);
  await expect(page.locator('[id="call-5000"] td').first()).toHaveText("5,000");

  // The brush zooms: dragging its left handle to the middle draws the later half at finer grain.
  await page.getByTestId("context-brush").scrollIntoViewIfNeeded();
  const traveller = page.getByTestId("context-brush").locator(".recharts-brush-traveller").first();
  const box = (await traveller.boundingBox())!;
  const brush = (await page.getByTestId("context-brush").boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(brush.x + brush.width / 2, box.y + box.height / 2, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByTestId("context-chart-range")).toContainText(/Calls [\d,]+-10,000 of 10,000/);
  expect(Number(await chart.getAttribute("data-bars"))).toBeLessThanOrEqual(300);

  expect(problems).toEqual([]);
});
