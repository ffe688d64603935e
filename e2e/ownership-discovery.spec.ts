/**
 * Ownership with no set-up: an admin uploads traces from four machines (fixtures/multi-machine)
 * and the overview already names owners, projects and tasks from the data; a few actions in the
 * unallocated queue bring it to 0%. A member uploads their own traces with their own session and
 * sees those runs as theirs at once, and nobody else's spend anywhere.
 */
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { e2eMember } from "./credentials";
import { openUploader, signIn, signInToTeam, signOut } from "./helpers";

const corpus = path.resolve("fixtures/multi-machine");
const wholeRange = "from=2025-01-01&to=2026-12-31";
const shots = (name: string) => path.resolve("test-results/screenshots", `${name}.png`);

async function upload(page: Page, folder: string) {
  await openUploader(page);
  await page.getByTestId("upload-folder-input").setInputFiles(folder);
  const summary = page.getByTestId("upload-summary");
  await expect(summary).toBeVisible({ timeout: 90_000 });
  await expect(summary.locator('[data-stat="errors"]')).toHaveText("0");
  return summary;
}

const spendKeys = async (page: Page, groupBy: string) =>
  (
    (await (await page.request.get(`/api/v1/spend?${wholeRange}&groupBy=${groupBy}`)).json()) as {
      rows: { key: string }[];
    }
  ).rows
    .map((row) => row.key)
    .sort();

test("an admin goes from the first import to 0% unallocated in a few actions", async ({ page }) => {
  test.setTimeout(240_000);
  await signInToTeam(page, "e2e-discovery");
  await upload(page, corpus);

  // No set-up at all: owners, projects and tasks come from the data.
  expect(await spendKeys(page, "owner")).toEqual(["ana", "bo", "dan", "unallocated"]);
  expect(await spendKeys(page, "project")).toEqual(["billing-api", "infra", "web-app"]);
  expect(await spendKeys(page, "task")).toEqual([
    "PAY-123",
    "PAY-130",
    "PAY-140",
    "feature/onboarding-flow",
    "ledger-export",
    "unallocated",
  ]);
  await page.goto(`/?${wholeRange}`);
  for (const owner of ["ana", "bo", "dan"]) await expect(page.getByTestId("spend-by-owner")).toContainText(owner);
  await expect(page.getByTestId("spend-by-project")).toContainText("billing-api");
  await expect(page.getByTestId("spend-by-task")).toContainText("PAY-123");
  await expect(page.getByTestId("unallocated-project-share")).toHaveText("0.0%");
  await page.screenshot({ path: shots("discovery-overview-first-import"), fullPage: true });

  // The run says what set each field.
  const runs = (await (await page.request.get(`/api/v1/runs?${wholeRange}&sort=cost&limit=100`)).json()) as {
    runs: { id: string; owner: string | null; task: string | null }[];
  };
  const anasRun = runs.runs.find((run) => run.owner === "ana" && run.task === "PAY-130")!;
  await page.goto(`/runs/${anasRun.id}`);
  await expect(page.getByTestId("run-owner")).toContainText("ana · from OS user ana");
  await expect(page.getByTestId("run-project")).toContainText("billing-api · from the repository folder billing-api");
  await expect(page.getByTestId("run-task")).toContainText("PAY-130 · from ticket key PAY-130");
  await page.getByTestId("run-attribution").screenshot({ path: shots("discovery-run-provenance") });

  // Only the CI runner's run is left: one row in the queue. Two actions: a person, then a rule.
  await page.goto("/ownership");
  const queue = page.getByTestId("unallocated-queue");
  await expect(page.getByTestId("unallocated-group")).toHaveCount(1);
  await expect(queue).toContainText("OS user runner");
  await page.screenshot({ path: shots("discovery-ownership-queue"), fullPage: true });
  const personForm = page.getByTestId("person-form");
  await personForm.getByLabel("New person").fill("Platform team");
  await personForm.getByRole("button", { name: "Add person" }).click();
  await expect(personForm.getByText("Added Platform team.")).toBeVisible();

  const queueForm = page.getByTestId("queue-form");
  await queueForm.getByLabel("Select all groups").check();
  await queueForm.getByLabel("Owner").selectOption({ label: "Platform team" });
  await queueForm.getByRole("button", { name: "Make rules of selected" }).click();
  await expect(queueForm.getByTestId("rule-preview")).toContainText(
    /Moves \$[\d.]+ across 1 run of owner from Unallocated to Platform team/,
  );
  await queueForm.getByRole("button", { name: "Apply to history" }).click();
  // Applied: the queue is empty, on this page and after a reload.
  await expect(queue).toContainText("Unallocated: $0.00 in 0 runs");
  await page.reload();
  await expect(queue).toContainText("Every run has an owner and a project.");
  await expect(page.getByTestId("rules")).toContainText("identity is runner");

  await page.goto(`/?${wholeRange}`);
  await expect(page.getByTestId("unallocated-owner-share")).toHaveText("0.0%");
  await expect(page.getByTestId("spend-by-owner")).toContainText("Platform team");
  await page.screenshot({ path: shots("discovery-overview-allocated"), fullPage: true });

  // Renaming a discovered project shows everywhere; the audit log says it in names.
  await page.goto("/ownership");
  const billing = page.locator('[data-testid="project-row"][data-name="billing-api"]');
  await billing.getByLabel("Edit billing-api").click();
  await billing.getByLabel("Name").fill("Billing API");
  await billing.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByTestId("projects")).toContainText("Renamed to Billing API.");
  expect(await spendKeys(page, "project")).toEqual(["Billing API", "infra", "web-app"]);
  await page.goto("/ownership/audit");
  await expect(page.getByTestId("audit-log")).toContainText("billing-api");
  await expect(page.getByTestId("audit-log")).toContainText("Billing API");
  await expect(page.getByTestId("audit-log")).toContainText("Platform team");
  await page.screenshot({ path: shots("discovery-audit-log"), fullPage: true });

  // Ana gets a proper record with her email: the page suggests the OS user ana is her; one click merges.
  await page.goto("/ownership");
  await personForm.getByLabel("New person").fill("Ana Silva");
  await personForm.getByLabel("Email (optional)").fill("ana@acme.example.com");
  await personForm.getByRole("button", { name: "Add person" }).click();
  await expect(personForm.getByText("Added Ana Silva.")).toBeVisible();
  await page.reload();
  const suggestions = page.getByTestId("merge-suggestions");
  await expect(suggestions).toContainText("OS user ana and the email ana@acme.example.com");
  await page.screenshot({ path: shots("discovery-merge-suggestion"), fullPage: true });
  await suggestions.getByRole("button", { name: "Merge ana into Ana Silva" }).click();
  await expect(page.locator('[data-testid="person-row"][data-name="Ana Silva"]')).toContainText("OS user ana");
  await expect(page.locator('[data-testid="person-row"][data-name="ana"]')).toHaveCount(0);
  expect(await spendKeys(page, "owner")).toEqual(["Platform team", "ana@acme.example.com", "bo", "dan"]);
  await page.goto("/ownership/audit");
  await expect(page.getByTestId("audit-log")).toContainText("person.merge");
  await expect(page.getByTestId("audit-log")).toContainText("os-user ana");
});

test("a member uploads with their own session and sees those runs as theirs at once, and no one else's", async ({
  page,
}) => {
  test.setTimeout(240_000);
  // The admin's import from another machine lands in the same team first.
  await signInToTeam(page, "e2e-discovery-member");
  await upload(page, path.join(corpus, "ana-laptop"));
  await signOut(page);

  await signIn(page, e2eMember.email, e2eMember.password);
  await upload(page, path.join(corpus, "bo-mac"));
  await page.goto(`/runs?${wholeRange}`);
  await expect(page.getByTestId("run-row")).toHaveCount(2);
  for (const row of await page.getByTestId("run-row").all()) await expect(row).toContainText(e2eMember.name);
  await page.screenshot({ path: shots("member-own-runs"), fullPage: true });

  // The overview: team totals, their own most expensive runs, no spend by owner.
  await page.goto(`/?${wholeRange}`);
  await expect(page.getByTestId("spend-by-owner")).toHaveCount(0);
  await expect(page.getByTestId("overview-total")).toBeVisible();
  const spendByOwner = await page.request.get(`/api/v1/spend?${wholeRange}&groupBy=owner`);
  expect(spendByOwner.status()).toBe(403);

  // The ownership page: themselves only, no queue, no identity's spend.
  await page.goto("/ownership");
  await expect(page.getByTestId("unallocated-queue")).toHaveCount(0);
  await expect(page.getByTestId("identities")).toHaveCount(0);
  await expect(page.getByTestId("person-row")).toHaveCount(1);
  await expect(page.getByTestId("person-row")).toContainText(e2eMember.name);
  await expect(page.locator("main").getByText("ana", { exact: true })).toHaveCount(0);
  await expect(page.locator("main")).not.toContainText("OS user ana");
  await page.screenshot({ path: shots("member-ownership"), fullPage: true });
});
