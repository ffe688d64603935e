/**
 * Tenancy for a browser session: signed in to one team, the other team's run ids are refused by
 * every route and by the server actions, even when a form is tampered with to carry them.
 * (The same for API keys is in app/api/v1/isolation.test.ts.)
 */
import { readFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import type { E2eTeam } from "./credentials";
import { createKeyOnPage, signInToTeam } from "./helpers";

const transcript = "fixtures/real/spotter/test/fixtures/transcripts/short.jsonl";

/** A run of `team`, ingested through the API with a key made on the API keys page. */
async function runOfTeam(page: Page, team: E2eTeam): Promise<string> {
  await page.getByLabel("Team").selectOption({ label: team });
  await expect(page.locator(".brand small")).toHaveText(team);
  const key = await createKeyOnPage(page, `isolation-${team}`);
  const ingested = await page.request.post("/api/v1/ingest?format=claude-code&file=short.jsonl", {
    headers: { authorization: `Bearer ${key}` },
    data: readFileSync(transcript),
  });
  expect(ingested.status()).toBe(200);
  const { runs } = await (await page.request.get("/api/v1/runs?from=2020-01-01&to=2030-12-31")).json();
  expect(runs).toHaveLength(1);
  return runs[0].id as string;
}

test("a session never reads or changes another team's runs", async ({ page }) => {
  test.setTimeout(120_000);
  await signInToTeam(page, "e2e-isolation-a");
  const runOfA = await runOfTeam(page, "e2e-isolation-a");
  // Its owner as discovery set it (OS user marco), to compare with at the end.
  const ownerOfA = (await (await page.request.get(`/api/v1/runs/${runOfA}`)).json()).run.owner;
  const runOfB = await runOfTeam(page, "e2e-isolation-b");

  // Signed in to B: every route refuses A's run.
  for (const path of [`/api/v1/runs/${runOfA}`, `/api/v1/runs/${runOfA}/findings`]) {
    const response = await page.request.get(path);
    expect(response.status()).toBe(404);
    expect((await response.json()).error.code).toBe("not_found");
  }
  // From the app's own origin, as the browser would send it (cookie writes need it, docs/CONTRACT.md).
  const outcome = await page.request.post("/api/v1/outcomes", {
    headers: { origin: new URL(page.url()).origin },
    data: { runId: runOfA, status: "ACCEPTED" },
  });
  expect(outcome.status()).toBe(404);
  // The page streams, so its status is sent before it knows; what it shows is the answer.
  await page.goto(`/runs/${runOfA}`);
  await expect(page.getByTestId("run-not-found")).toBeVisible();

  // B's own run page, with its forms pointed at A's run: the server actions change nothing.
  const pointFormsAt = (foreign: string) =>
    page.evaluate((id) => {
      for (const input of document.querySelectorAll<HTMLInputElement>('input[name="runId"]')) input.value = id;
    }, foreign);
  await page.goto(`/runs/${runOfB}`);
  await pointFormsAt(runOfA);
  await page.getByRole("button", { name: "Mark accepted" }).click();
  await expect(page.getByTestId("run-outcome-status")).toHaveText("no outcome yet");
  await page.goto(`/runs/${runOfB}`);
  await page.getByText("Assign by hand or split").click();
  const assign = page.getByTestId("run-attribution").locator("form").first();
  await assign.getByLabel("Owner").selectOption({ index: 2 });
  await pointFormsAt(runOfA); // after hydration, which would put the rendered value back
  await assign.getByRole("button", { name: "Save" }).click();
  await expect(assign).toContainText("not in this team");

  // Back in A: its run is as it was.
  await page.getByLabel("Team").selectOption({ label: "e2e-isolation-a" });
  await expect(page.locator(".brand small")).toHaveText("e2e-isolation-a");
  const detail = await (await page.request.get(`/api/v1/runs/${runOfA}`)).json();
  expect(detail.run.outcome).toBeNull();
  expect(detail.run.owner).toBe(ownerOfA);
});
