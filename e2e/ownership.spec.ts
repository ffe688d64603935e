import path from "node:path";
import { expect, test } from "@playwright/test";
import { createKeyOnPage, ingestFolderThroughApi, signInToTeam } from "./helpers";

const transcripts = path.resolve("fixtures/real/spotter/test/fixtures/transcripts");

test("an admin turns an unallocated group into a rule; the spend moves to the owner and the audit log shows it", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signInToTeam(page, "e2e-ownership");

  // Owners by hand here (discovery has its own spec): switch owner discovery off first.
  await page.goto("/ownership");
  const discovery = page.getByTestId("discovery-form");
  await discovery.getByLabel("Owners").uncheck();
  await discovery.getByRole("button", { name: "Save and apply to history" }).click();
  await expect(discovery).toContainText("Discovery settings saved");

  // Data in through the ingest API, with a key made on the API keys page.
  await ingestFolderThroughApi(page, await createKeyOnPage(page, "ownership-spec"), transcripts);
  const spendByOwner = async () =>
    (await page.request.get("/api/v1/spend?from=2020-01-01&to=2030-12-31&groupBy=owner")).json();
  const before = await spendByOwner();
  expect(before.rows.map((row: { key: string }) => row.key)).toEqual(["unallocated"]);

  await page.goto("/ownership");
  const personForm = page.getByTestId("person-form");
  await personForm.getByLabel("New person").fill("Ana");
  await personForm.getByRole("button", { name: "Add person" }).click();
  await expect(personForm.getByText("Added Ana.")).toBeVisible();

  // The spotter transcripts ran as OS users marco and (sanitized) USER: the queue groups them so.
  const queueForm = page.getByTestId("queue-form");
  await queueForm.getByLabel("Select OS user marco").check();
  await queueForm.getByLabel("Owner").selectOption({ label: "Ana" });
  await queueForm.getByRole("button", { name: "Make rules of selected" }).click();
  await expect(queueForm.getByTestId("rule-preview")).toContainText(
    /Moves \$[\d.]+ across 3 runs of owner from Unallocated to Ana/,
  );
  await queueForm.getByRole("button", { name: "Apply to history" }).click();
  await expect(page.getByTestId("rules")).toContainText("identity is marco");
  await page.reload();
  await queueForm.getByLabel("Select OS user USER").check();
  await queueForm.getByLabel("Owner").selectOption({ label: "Ana" });
  await queueForm.getByRole("button", { name: "Assign selected" }).click();
  await expect(page.getByTestId("unallocated-queue")).toContainText("Unallocated: $0.00 in 0 runs");

  // Deleting the rule previews first: its runs would go back to Unallocated; nothing changes yet.
  await page.getByRole("button", { name: "Delete identity is marco" }).click();
  await expect(page.getByTestId("rule-preview")).toContainText(
    /Moves \$[\d.]+ across 3 runs of owner from Ana to Unallocated/,
  );
  await page.reload();
  await expect(page.getByTestId("rules")).toContainText("identity is marco");

  // A new rule keeps its fields from preview to apply.
  const ruleForm = page.getByTestId("rule-form");
  await ruleForm.getByLabel("Name").fill("haiku to Ana");
  await ruleForm.getByLabel("When").selectOption("model");
  await ruleForm.getByLabel("matches (glob, or /regex/)").fill("claude-haiku-*");
  await ruleForm.getByLabel("Owner").selectOption({ label: "Ana" });
  await ruleForm.getByRole("button", { name: "Preview" }).click();
  await expect(ruleForm.getByTestId("rule-preview")).toContainText("would not change any run");
  await ruleForm.getByRole("button", { name: "Apply to history" }).click();
  await expect(ruleForm).toContainText('Rule "haiku to Ana" applied to history.');
  await expect(page.getByTestId("rules")).toContainText("model matches claude-haiku-*");

  const after = await spendByOwner();
  const ana = after.rows.find((row: { key: string }) => row.key === "Ana");
  expect(ana.costUsd).toBeCloseTo(before.totals.costUsd, 9);
  expect(after.totals).toEqual(before.totals);

  await page.goto("/");
  await expect(page.getByTestId("spend-by-owner")).toContainText("Ana");
  await expect(page.getByTestId("unallocated-owner-share")).toHaveText("0.0%");

  await page.goto("/ownership/audit");
  await expect(page.getByTestId("audit-log")).toContainText("rule.create");
  await expect(page.getByTestId("audit-log")).toContainText("identity is marco");
});
