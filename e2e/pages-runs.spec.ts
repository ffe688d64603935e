/**
 * The runs list (range, search, repository column, Codex titles, filters from the URL, pages),
 * drill-down from the overview's chart and tables and the Ownership counts, the Outcomes page,
 * comparing runs, tool output text, sign-in, copy buttons and members' own push keys.
 */
import path from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { e2ePushMember } from "./credentials";
import { createKeyOnPage, ingestFolderThroughApi, signInToTeam } from "./helpers";

const team = "e2e-pages-runs";
const transcripts = path.resolve("fixtures/real/spotter/test/fixtures/transcripts");
const codexSessions = path.resolve("fixtures/real/localpush/src-tauri/tests/fixtures/codex/2026-02-23/raw/sessions");
/** More runs than a page holds (100). */
const PAGING_RUNS = 130;
const wholeFebruary = "from=2026-02-01&to=2026-02-28";

function pagingLines(): string {
  return Array.from({ length: PAGING_RUNS }, (_, i) =>
    JSON.stringify({
      sessionId: `paging-${i}`,
      callKey: "c1",
      timestamp: `2026-02-${String(10 + (i % 5)).padStart(2, "0")}T08:00:00Z`,
      model: "claude-sonnet-4-5",
      inputTokens: 100 + i,
      outputTokens: 10,
      cwd: `/home/dana/src/paging-${i % 4}`,
      title: `Task ${i}: fix the failing test`,
    }),
  ).join("\n");
}

/** The runs list's filter form (the sidebar's team switcher has a label too). */
const filters = (page: Page) => page.getByTestId("runs-filters");

let seeded = false;
/** Fixture data once per server (the spec's tests share the team). */
async function seed(page: Page) {
  if (seeded) return;
  const key = await createKeyOnPage(page, "pages-runs-spec", "all");
  await ingestFolderThroughApi(page, key, transcripts);
  await ingestFolderThroughApi(page, key, codexSessions, "codex");
  const paging = await page.request.post("/api/v1/ingest?format=native&file=paging.jsonl", {
    headers: { authorization: `Bearer ${key}` },
    data: Buffer.from(`${pagingLines()}\n`),
  });
  expect(paging.status()).toBe(200);
  seeded = true;
}

async function signedIn(page: Page) {
  await signInToTeam(page, team);
  await seed(page);
}

test("runs list: the overview's range, search, repository column, Codex titles, URL filters shown, pages", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signedIn(page);

  // With no range, the same days as the overview (the fixtures are old: both fall back to the last data).
  await page.goto("/");
  const from = await page.getByLabel("From").inputValue();
  const to = await page.getByLabel("To").inputValue();
  await page.goto("/runs");
  await expect(page.getByLabel("From")).toHaveValue(from);
  await expect(page.getByLabel("To")).toHaveValue(to);

  // Pages of 100 with the total, as the API counts.
  const api = await (await page.request.get(`/api/v1/runs?${wholeFebruary}&limit=1`)).json();
  expect(api.total).toBeGreaterThan(PAGING_RUNS);
  await page.goto(`/runs?${wholeFebruary}`);
  const table = page.getByTestId("runs-table");
  await expect(table.locator("h2")).toHaveText(`1–100 of ${api.total} runs`);
  await expect(page.getByTestId("run-row")).toHaveCount(100);
  await page.getByTestId("runs-pager").getByRole("link", { name: "Next →" }).click();
  await expect(table.locator("h2")).toHaveText(`101–${api.total} of ${api.total} runs`);
  await expect(page.getByTestId("run-row")).toHaveCount(api.total - 100);
  await page.screenshot({ path: "/tmp/shots-pages-runs-page2.png", fullPage: true });

  // Search: the folder, every word; the repository column says where each run worked.
  await filters(page).getByLabel("Search").fill("src/paging-3 TASK");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/q=src%2Fpaging-3\+TASK/);
  const searched = await (await page.request.get(`/api/v1/runs?${wholeFebruary}&q=src/paging-3%20task&limit=1`)).json();
  // Runs 3, 7, ..., 127 worked in paging-3.
  expect(searched.total).toBe(32);
  await expect(page.getByTestId("run-row")).toHaveCount(searched.total);
  for (const row of await page.getByTestId("run-row").all()) await expect(row).toContainText("src/paging-3");
  await expect(filters(page).getByLabel("Search")).toHaveValue("src/paging-3 TASK");
  await filters(page).getByLabel("Search").fill("no run says this");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No run started in this period matches “no run says this”.")).toBeVisible();

  // Codex runs by their first user message; the agent filter from the URL is shown selected.
  await page.goto(`/runs?${wholeFebruary}&agent=codex`);
  await expect(filters(page).getByLabel("Agent")).toHaveValue("codex");
  await expect(page.getByTestId("run-row")).toHaveCount(5);
  for (const row of await page.getByTestId("run-row").all())
    await expect(row.locator(".run-title a")).toHaveText(/^\[REDACTED_MESSAGE len=\d+ sha=[0-9a-f]+\]$/);
  await page.screenshot({ path: "/tmp/shots-pages-runs-codex.png", fullPage: true });

  // A project's run count on the Ownership page opens its runs, the project shown by name.
  await page.goto("/ownership");
  const projectRow = page.getByTestId("project-row").first();
  const projectName = (await projectRow.getAttribute("data-name"))!;
  const count = Number(await projectRow.getByRole("link").first().textContent());
  await projectRow.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/runs\?project=[0-9a-f-]{36}/);
  await expect(filters(page).getByLabel("Project")).toHaveValue(projectName);
  await expect(table.locator("h2")).toHaveText(new RegExp(`of ${count} runs?$`));
  // And a person's, by name too.
  await page.goto("/ownership");
  const personRow = page.getByTestId("person-row").first();
  await personRow.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/runs\?owner=[0-9a-f-]{36}/);
  await expect(filters(page).getByLabel("Owner")).not.toHaveValue("");
});

test("drill-down: a bar of spend per day and a row of each overview table open the runs behind them", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signedIn(page);
  await page.goto(`/?period=custom&${wholeFebruary}&stackBy=model&agent=claude-code`);
  const bar = page.getByTestId("spend-per-day-chart").locator(".recharts-bar-rectangle path").first();
  await bar.click();
  await expect(page).toHaveURL(/\/runs\?.*from=2026-02-(\d\d)&to=2026-02-\1/);
  const url = new URL(page.url());
  expect(url.searchParams.get("agent")).toBe("claude-code");
  expect(url.searchParams.get("model")).toBeTruthy();
  await expect(filters(page).getByLabel("Model")).toHaveValue(url.searchParams.get("model")!);
  await expect(filters(page).getByLabel("Agent")).toHaveValue("claude-code");
  const day = url.searchParams.get("from")!;
  const api = await (
    await page.request.get(
      `/api/v1/runs?from=${day}&to=${day}&agent=claude-code&model=${encodeURIComponent(url.searchParams.get("model")!)}`,
    )
  ).json();
  expect(api.total).toBeGreaterThan(0);
  await expect(page.getByTestId("run-row")).toHaveCount(api.total);

  for (const [table, filter] of [
    ["spend-by-model", "Model"],
    ["spend-by-project", "Project"],
    ["spend-by-task", "Task"],
    ["spend-by-owner", "Owner"],
  ] as const) {
    await page.goto(`/?period=custom&${wholeFebruary}`);
    const link = page.getByTestId(table).locator("tbody tr").first().getByRole("link");
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/runs\\?.*${filter.toLowerCase()}=`));
    await expect(filters(page).getByLabel(filter)).not.toHaveValue("");
    await expect(page.getByTestId("run-row").first()).toBeVisible();
  }
});

test("outcomes page: decisions with their source, runs awaiting one, cost per accepted outcome", async ({ page }) => {
  test.setTimeout(120_000);
  await signedIn(page);
  const today = new Date().toISOString().slice(0, 10);
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Outcomes" }).click();
  await expect(page).toHaveURL(/\/outcomes$/);
  await page.goto(`/outcomes?from=2026-02-01&to=${today}`);
  const awaiting = page.getByTestId("awaiting-run");
  await expect(awaiting.first()).toBeVisible();
  const firstTitle = (await awaiting.first().locator(".run-title a").textContent())!;
  await awaiting.first().getByRole("button", { name: "Mark accepted" }).click();
  const recorded = page.getByTestId("recorded-outcome");
  await expect(recorded.filter({ hasText: firstTitle })).toHaveAttribute("data-source", "manual");
  await expect(page.getByTestId("outcome-source-manual").locator("dd").first()).toHaveText("1");

  // Through the outcomes API with a key: its source says so.
  const key = await createKeyOnPage(page, "outcomes-api", "all");
  const runs = (await (await page.request.get(`/api/v1/runs?${wholeFebruary}&agent=codex`)).json()).runs as {
    id: string;
    title: string;
  }[];
  const rejected = runs.find((run) => run.title !== firstTitle)!;
  const posted = await page.request.post("/api/v1/outcomes", {
    headers: { authorization: `Bearer ${key}` },
    data: { runId: rejected.id, status: "REJECTED", evidence: "<b>broke the build</b>" },
  });
  expect(posted.status()).toBeLessThan(300);
  await page.goto(`/outcomes?from=2026-02-01&to=${today}`);
  const apiRow = recorded.filter({ hasText: rejected.title });
  await expect(apiRow).toHaveAttribute("data-source", "api");
  await expect(apiRow).toContainText("outcomes API");
  // Trace and API text is shown as text.
  await expect(apiRow).toContainText("<b>broke the build</b>");
  await expect(page.getByTestId("outcome-cost")).toBeVisible();
  await expect(page.getByTestId("cost-per-accepted")).not.toHaveText("none accepted");
  await page.screenshot({ path: "/tmp/shots-pages-outcomes.png", fullPage: true });
});

test("compare runs: find runs by typing, the difference column, change or swap runs on the result", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signedIn(page);
  await page.goto("/runs/compare");
  const pickerA = page.getByTestId("run-picker-a");
  await pickerA.getByLabel("Find a run").fill("paging-2 task 6");
  await expect(pickerA.locator(".run-picker-list button")).not.toHaveCount(0);
  await expect(pickerA.locator(".run-picker-list button").first()).toContainText("src/paging-2");
  await pickerA.locator(".run-picker-list button").first().click();
  const pickerB = page.getByTestId("run-picker-b");
  await pickerB.getByLabel("Find a run").fill("REDACTED_MESSAGE len=516");
  await expect(pickerB.locator(".run-picker-list button")).toHaveCount(1);
  await pickerB.locator(".run-picker-list button").click();
  await expect(page.getByTestId("picked-b")).toContainText("REDACTED_MESSAGE len=516");
  await page.getByRole("button", { name: "Compare" }).click();
  const compareTable = page.getByTestId("compare-table");
  await expect(compareTable).toBeVisible();
  await expect(compareTable.locator("thead")).toContainText("Difference (B − A)");
  await expect(page.getByTestId("compare-row-cost").getByTestId("compare-difference")).toHaveText(
    /^\+\$[\d.,]+ \(\+\d+%\)$/,
  );
  await page.screenshot({ path: "/tmp/shots-pages-compare.png", fullPage: true });
  const { searchParams } = new URL(page.url());
  // Swap, then change B from the result page.
  await page.getByTestId("change-runs").locator("summary").click();
  await page.getByRole("link", { name: "Swap A and B" }).click();
  await expect(page).toHaveURL(`/runs/compare?a=${searchParams.get("b")}&b=${searchParams.get("a")}`);
  await expect(page.getByTestId("compare-row-cost").getByTestId("compare-difference")).toHaveText(/^−\$/);
  await page.getByTestId("change-runs").locator("summary").click();
  await page.getByTestId("run-picker-b").getByLabel("Find a run").fill("paging-1 task 5");
  await page.getByTestId("run-picker-b").locator(".run-picker-list button").first().click();
  await page.getByRole("button", { name: "Compare" }).click();
  await expect(page).not.toHaveURL(new RegExp(`b=${searchParams.get("a")}`));
  // B is now a run of paging-1 whose title has a 5 (its project is paging-1).
  await expect(page.getByTestId("compare-row-project")).toContainText("paging-1");
  await expect(page.getByTestId("compare-table").locator("thead")).toContainText(/B: Task \d*5\d*: fix/);
});

test("tool outputs open their text, escaped, with size and tokens", async ({ page }) => {
  test.setTimeout(120_000);
  await signedIn(page);
  const runs = (await (await page.request.get(`/api/v1/runs?${wholeFebruary}&agent=claude-code&sort=cost`)).json())
    .runs as { id: string }[];
  let opened = false;
  for (const run of runs) {
    await page.goto(`/runs/${run.id}`);
    const rows = page.getByTestId("large-tool-output");
    if ((await rows.count()) === 0) continue;
    await rows.first().getByTestId("show-tool-output").click();
    const output = rows.first().getByTestId("tool-output");
    await expect(output).toContainText(/tokens/);
    expect(((await output.locator("pre").textContent()) ?? "").length).toBeGreaterThan(0);
    await page.screenshot({ path: "/tmp/shots-pages-tool-output.png", fullPage: true });
    opened = true;
    break;
  }
  expect(opened).toBe(true);
});

async function clipboardPage(browser: Browser, baseURL: string | undefined) {
  const context = await browser.newContext({ baseURL });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  return context.newPage();
}

test("sign-in keeps the email, copy buttons, members make and revoke their own push keys", async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const page = await clipboardPage(browser, baseURL);
  await page.goto("/signin");
  await page.getByLabel("Email").fill(e2ePushMember.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signin-error")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(e2ePushMember.email);
  await expect(page.getByLabel("Password")).toHaveValue("");
  await page.getByLabel("Password").fill(e2ePushMember.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(e2ePushMember.email);

  // The member's own push key, from Settings.
  await page.goto("/settings");
  await page.getByRole("link", { name: "Your push keys" }).click();
  await expect(page.getByRole("heading", { name: "Your push keys" })).toBeVisible();
  await expect(page.getByLabel("Scope")).toHaveCount(0);
  await page.getByLabel("Name").fill("dana-laptop");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  await page.getByRole("button", { name: "Copy key" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  // Only their own keys are listed (the admin's of this team are not).
  await expect(page.getByTestId("api-keys").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByTestId("api-keys")).toContainText("push");

  // It sends traces to the member's team and can do nothing else.
  const sent = await page.request.post("/api/v1/ingest?format=native&file=dana.jsonl", {
    headers: { authorization: `Bearer ${key}` },
    data: `${JSON.stringify({ sessionId: "dana-push", callKey: "c1", timestamp: "2026-02-20T10:00:00Z", model: "claude-sonnet-4-5", inputTokens: 10, outputTokens: 1 })}\n`,
  });
  expect(sent.status()).toBe(200);
  expect((await page.request.get("/api/v1/runs", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(403);
  const runs = await (await page.request.get(`/api/v1/runs?${wholeFebruary}&q=dana-push`)).json();
  expect(runs.runs.map((run: { externalId: string }) => run.externalId)).toEqual(["dana-push"]);
  await page.getByTestId("api-keys").getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("api-keys")).toContainText("revoked");
  const refused = await page.request.post("/api/v1/ingest?format=native&file=dana2.jsonl", {
    headers: { authorization: `Bearer ${key}` },
    data: "{}\n",
  });
  expect(refused.status()).toBe(401);
  await page.screenshot({ path: "/tmp/shots-pages-push-keys.png", fullPage: true });
  await page.context().close();

  // An admin's copy buttons: a new key and the webhook URL.
  const admin = await clipboardPage(browser, baseURL);
  await signInToTeam(admin, team);
  const adminKey = await createKeyOnPage(admin, "copied", "read");
  await admin.getByRole("button", { name: "Copy key" }).click();
  expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(adminKey);
  await admin.goto("/settings/webhooks");
  const url = (await admin.getByTestId("webhook-url").textContent())!.trim();
  await admin.getByRole("button", { name: "Copy URL" }).click();
  expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await admin.context().close();
});
