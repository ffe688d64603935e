/**
 * Abuse (issue 11 convention) for issue 10, point 3, against the real server: each hostile record
 * of lib/testing/hostile-records.ts inside an otherwise good upload answers 200 with its line
 * error, the good records of the upload are stored, and /api/health stays responsive throughout.
 * A body with nothing readable answers 400 naming what was expected; never a 500.
 */
import { expect, test } from "@playwright/test";
import { hostileCases } from "../lib/testing/hostile-records";
import { createKeyOnPage, signInToTeam } from "./helpers";

const REQUEST_TIMEOUT_MS = 60_000;

test("hostile records are line errors, the good records are stored, the server stays up", async ({ page, request }) => {
  test.setTimeout(300_000);
  await signInToTeam(page, "e2e-abuse-records");
  const key = await createKeyOnPage(page, "abuse-records");
  const headers = { authorization: `Bearer ${key}` };

  const cases = hostileCases("e2e");
  let stored = 0;
  for (const hostile of cases) {
    const response = await request.post(
      `/api/v1/ingest?format=${hostile.format}&file=${encodeURIComponent(hostile.file)}`,
      {
        headers,
        data: Buffer.from(hostile.body),
        timeout: REQUEST_TIMEOUT_MS,
      },
    );
    const body = await response.json();
    expect(response.status(), `${hostile.name}: ${JSON.stringify(body).slice(0, 300)}`).toBe(200);
    expect(body.calls, hostile.name).toBe(hostile.goodCalls);
    if (hostile.error === null) expect(body.errors, hostile.name).toEqual([]);
    else
      expect(body.errors, hostile.name).toContainEqual({
        line: hostile.error.line,
        message: expect.stringMatching(hostile.error.message),
      });
    stored += hostile.goodCalls;
    const health = await request.get("/api/health", { timeout: 10_000 });
    expect(health.status(), `health after ${hostile.name}`).toBe(200);
  }

  for (const body of ["", '{"hello":"world"}\n']) {
    const response = await request.post("/api/v1/ingest?format=auto&file=notes.jsonl", {
      headers,
      data: Buffer.from(body),
      timeout: REQUEST_TIMEOUT_MS,
    });
    expect(response.status()).toBe(400);
    if (body !== "")
      expect((await response.json()).error.message).toMatch(
        /^no Claude Code, Codex, OTLP or native records found in notes\.jsonl; expected/,
      );
  }

  // Every good record is there, counted once.
  const spend = await page.request.get("/api/v1/spend?from=2020-01-01&to=2030-12-31&groupBy=day");
  expect(spend.status()).toBe(200);
  expect((await spend.json()).totals.calls).toBe(stored);
  expect((await request.get("/api/health")).status()).toBe(200);

  // The ingest history lists each upload with its status and its errors.
  await page.goto("/ingest/history");
  const statuses = page.getByTestId("ingest-batch-status");
  await expect(statuses.first()).toBeVisible();
  expect(new Set(await statuses.allTextContents())).toEqual(new Set(["complete"]));
});
