import { expect, test } from "@playwright/test";
import { formatUsd } from "../lib/format";
import { createKeyOnPage, signInToTeam } from "./helpers";

const yesterday = new Date(Date.now() - 86_400_000);
const day = yesterday.toISOString().slice(0, 10);

/** Native-format calls: three of a model the bundled table lacks, one of claude-haiku-4-5 ($5 per million output). */
const unknownCalls = [0, 1, 2].map((index) =>
  JSON.stringify({
    sessionId: "prices-unknown",
    callKey: `u-${index}`,
    timestamp: new Date(yesterday.getTime() + index * 60_000).toISOString(),
    model: "acme-coder-9",
    inputTokens: 100_000,
    outputTokens: 20_000,
    cwd: "/work/prices-e2e",
  }),
);
const knownCall = JSON.stringify({
  sessionId: "prices-known",
  callKey: "k-0",
  timestamp: yesterday.toISOString(),
  model: "claude-haiku-4-5",
  inputTokens: 0,
  outputTokens: 200_000,
  cwd: "/work/prices-e2e",
});

test("an admin prices an unpriced model in one step; its run and the overview's total follow", async ({ page }) => {
  test.setTimeout(180_000);
  await signInToTeam(page, "e2e-prices");
  const key = await createKeyOnPage(page, "prices e2e", "ingest");
  const ingest = async (lines: string[], file: string) => {
    const response = await page.request.post(`/api/v1/ingest?format=native&file=${file}`, {
      headers: { authorization: `Bearer ${key}` },
      data: `${lines.join("\n")}\n`,
    });
    expect(response.status()).toBe(200);
    return (await response.json()) as { runIds: string[]; unpricedModels: string[] };
  };
  const unknown = await ingest(unknownCalls, "unknown.jsonl");
  expect(unknown.unpricedModels).toEqual(["acme-coder-9"]);
  await ingest([knownCall], "known.jsonl");

  // Before: only the known model's $1.00 counts; the unknown model's run is $0.
  await page.goto("/");
  await expect(page.getByTestId("overview-total")).toHaveText(formatUsd(1));
  await page.goto(`/runs/${unknown.runIds[0]}`);
  await expect(page.getByTestId("run-cost")).toHaveText(formatUsd(0));

  await page.goto("/settings/prices");
  const row = page.getByTestId("unpriced-acme-coder-9");
  await expect(row).toContainText("3");
  await expect(row).toContainText(day);
  await row.getByText("Set its price").click();
  const form = page.getByTestId("price-unpriced-acme-coder-9");
  await expect(form.getByLabel("From (UTC day)")).toHaveValue(day);
  // $2 per million input and $10 per million output: each call 0.1M x 2 + 0.02M x 10 = $0.40.
  await form.getByLabel("Input ($/M)").fill("2");
  await form.getByLabel("Cache write 5m ($/M)").fill("0");
  await form.getByLabel("Cache write 1h ($/M)").fill("0");
  await form.getByLabel("Cache read ($/M)").fill("0");
  await form.getByLabel("Output ($/M)").fill("10");
  await form.getByRole("button", { name: "Set price" }).click();
  // The model leaves the unpriced list at once; the job re-pricing its history shows its progress.
  await expect(page.getByTestId("reprice-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(page.getByTestId("reprice-status")).toContainText("3 calls");
  await expect(page.getByTestId("unpriced-models")).toContainText("Every call the team stored has a price.");
  await expect(page.getByTestId("price-override-acme-coder-9")).toContainText(`from ${day}`);
  await expect(page.getByTestId("price-override-acme-coder-9")).toContainText("$2 in");

  // After: the run costs 3 x $0.40 and the overview's total grows by exactly that.
  await page.goto(`/runs/${unknown.runIds[0]}`);
  await expect(page.getByTestId("run-cost")).toHaveText(formatUsd(1.2));
  await page.goto("/");
  await expect(page.getByTestId("overview-total")).toHaveText(formatUsd(2.2));

  // A change that overlaps the price's days is refused with the reason, and changes nothing.
  await page.goto("/settings/prices");
  const add = page.getByTestId("add-price");
  await add.getByLabel("Model (exact, or a prefix ending in *)").fill("acme-coder-9");
  for (const label of ["Input", "Cache write 5m", "Cache write 1h", "Cache read", "Output"])
    await add.getByLabel(`${label} ($/M)`).fill("1");
  await add.getByLabel("From (UTC day)").fill(day);
  await add.getByRole("button", { name: "Add price" }).click();
  await expect(add.getByRole("alert")).toContainText(`acme-coder-9 already has a price from ${day}`);
  // The refused form keeps what was typed.
  await expect(add.getByLabel("From (UTC day)")).toHaveValue(day);
  await expect(add.getByLabel("Output ($/M)")).toHaveValue("1");
  await expect(page.getByTestId("price-overrides").locator("tbody tr")).toHaveCount(1);
});
