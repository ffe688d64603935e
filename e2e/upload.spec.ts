import path from "node:path";
import { expect, type Page, type Request, test } from "@playwright/test";
import { openUploader, signInToTeam } from "./helpers";

/** Real Claude Code transcripts with known totals (fixtures/real/SOURCES.md: 33 calls, $1.564895). */
const transcripts = path.resolve("fixtures/real/spotter/test/fixtures/transcripts");
const transcriptFiles = [
  "transcripts/4d5611e5-241a-462a-8d15-5122611a9569/subagents/agent-a2898e3.jsonl",
  "transcripts/4d5611e5-241a-462a-8d15-5122611a9569/subagents/agent-acompact-e1f845.jsonl",
  "transcripts/ae4a77f8-aedd-4bc1-888f-c94edc91af04/subagents/agent-aac57f5.jsonl",
  "transcripts/short.jsonl",
  "transcripts/subagent.jsonl",
  "transcripts/tool_heavy.jsonl",
];

/** Uploads the folder; returns the summary and the ingest requests the page sent. */
async function uploadFolder(page: Page) {
  const requests: string[] = [];
  const onRequest = (request: Request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname.startsWith("/api/v1/ingest"))
      requests.push(new URL(request.url()).pathname);
  };
  page.on("request", onRequest);
  await page.getByTestId("upload-folder-input").setInputFiles(transcripts);
  const summary = page.getByTestId("upload-summary");
  await expect(summary).toBeVisible({ timeout: 60_000 });

  const rows = page.getByTestId("upload-file-row");
  await expect(rows).toHaveCount(transcriptFiles.length);
  for (const file of transcriptFiles) {
    const row = page.locator(`[data-testid="upload-file-row"][data-file="${file}"]`);
    await expect(row).toHaveAttribute("data-status", "done");
    for (const bar of ["upload-progress-upload", "upload-progress-processing"]) {
      const progress = row.getByTestId(bar);
      const max = await progress.getAttribute("max");
      expect(max).not.toBeNull();
      await expect(progress).toHaveAttribute("value", max!);
    }
  }
  page.off("request", onRequest);
  return { summary, requests };
}

test("uploading a folder of transcripts shows per-file progress and the totals; uploading it again adds nothing", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signInToTeam(page, "e2e-upload");
  await openUploader(page);

  const { summary: first, requests } = await uploadFolder(page);
  // Many files per request: the six files went in one request, stored as one batch.
  expect(requests).toEqual(["/api/v1/ingest/files"]);
  await expect(first.locator('[data-stat="files"]')).toHaveText("6");
  await expect(first.locator('[data-stat="calls"]')).toHaveText("33");
  await expect(first.locator('[data-stat="duplicates"]')).toHaveText("0");
  await expect(first.locator('[data-stat="cost"]')).toHaveText("$1.56");
  await expect(first.locator('[data-stat="errors"]')).toHaveText("0");
  await expect(page.getByTestId("upload-errors")).toHaveCount(0);

  const { summary: second } = await uploadFolder(page);
  await expect(second.locator('[data-stat="calls"]')).toHaveText("0");
  await expect(second.locator('[data-stat="duplicates"]')).toHaveText("33");
  await expect(second.locator('[data-stat="cost"]')).toHaveText("$0.00");

  await page.getByRole("link", { name: "Ingest history" }).click();
  await expect(page.getByTestId("ingest-batch")).toHaveCount(2);
});
