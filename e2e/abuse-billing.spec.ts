/**
 * Abuse of the billing routes against the real server: keys without the right scope, oversized and
 * malformed bodies, an admin key that is not one token, other teams' and made-up source ids, ranges
 * backwards or too long, and a page asked for centuries. Each answers in time with the right
 * status, never echoes an admin key, and /api/health stays responsive.
 */
import { type APIRequestContext, expect, test } from "@playwright/test";
import { createKeyOnPage, signInToTeam } from "./helpers";

const team = "e2e-abuse-billing";

async function expectHealthy(request: APIRequestContext) {
  const health = await request.get("/api/health", { timeout: 5_000 });
  expect(health.status()).toBe(200);
}

test("billing routes refuse what they must, in time", async ({ page, request }) => {
  await signInToTeam(page, team);
  const allKey = await createKeyOnPage(page, "abuse billing all", "all");
  const readKey = await createKeyOnPage(page, "abuse billing read", "read");
  const ingestKey = await createKeyOnPage(page, "abuse billing ingest", "ingest");
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const source = { provider: "anthropic", name: "Abuse org", adminKey: "sk-ant-admin01-abuse-0123456789" };

  for (const key of [readKey, ingestKey]) {
    expect(
      (await request.post("/api/v1/billing-sources", { headers: auth(key), data: source, timeout: 10_000 })).status(),
    ).toBe(403);
  }
  expect((await request.post("/api/v1/billing-sources", { data: source, timeout: 10_000 })).status()).toBe(401);

  const huge = await request.post("/api/v1/billing-sources", {
    headers: { ...auth(allKey), "content-type": "application/json" },
    data: Buffer.alloc(64 * 1024, 0x20),
    timeout: 10_000,
  });
  expect(huge.status()).toBe(413);
  for (const body of [
    { ...source, provider: "azure" },
    { ...source, adminKey: "sk-ant-admin01\u0000abuse-0123" },
    { ...source, adminKey: "two words" },
    { ...source, name: "x".repeat(500) },
  ]) {
    const refused = await request.post("/api/v1/billing-sources", {
      headers: auth(allKey),
      data: body,
      timeout: 10_000,
    });
    expect(refused.status()).toBe(400);
    expect(await refused.text()).not.toContain("sk-ant-admin01");
  }
  const notJson = await request.post("/api/v1/billing-sources", {
    headers: { ...auth(allKey), "content-type": "application/json" },
    data: "{not json",
    timeout: 10_000,
  });
  expect(notJson.status()).toBe(400);

  const created = await request.post("/api/v1/billing-sources", {
    headers: auth(allKey),
    data: source,
    timeout: 10_000,
  });
  expect(created.status()).toBe(201);
  expect(await created.text()).not.toContain(source.adminKey);
  const { source: made } = (await created.json()) as { source: { id: string } };
  expect(
    (await request.post("/api/v1/billing-sources", { headers: auth(allKey), data: source, timeout: 10_000 })).status(),
  ).toBe(409);

  const sync = (id: string, query: string, key = allKey) =>
    request.post(`/api/v1/billing-sources/${encodeURIComponent(id)}/sync?${query}`, {
      headers: auth(key),
      timeout: 30_000,
    });
  expect((await sync(made.id, "from=2026-11-01&to=2026-11-01", readKey)).status()).toBe(403);
  expect((await sync("00000000-0000-4000-8000-000000000000", "from=2026-11-01&to=2026-11-01")).status()).toBe(404);
  expect((await sync("../../etc/passwd", "from=2026-11-01&to=2026-11-01")).status()).toBe(404);
  expect((await sync(made.id, "from=2026-11-02&to=2026-11-01")).status()).toBe(400);
  expect((await sync(made.id, "from=2000-01-01&to=2026-11-01")).status()).toBe(400);
  // Up to the last day there is: counting days by comparing day strings past it would never end.
  expect((await sync(made.id, "from=0001-01-01&to=9999-12-31")).status()).toBe(400);

  expect(
    (await request.get("/api/v1/reconciliation?groupBy=owner", { headers: auth(readKey), timeout: 10_000 })).status(),
  ).toBe(400);
  expect((await request.get("/api/v1/reconciliation", { headers: auth(ingestKey), timeout: 10_000 })).status()).toBe(
    403,
  );
  const centuries = await request.get("/api/v1/reconciliation?from=0001-01-01&to=9999-12-31&groupBy=day", {
    headers: auth(readKey),
    timeout: 30_000,
  });
  // Days outside 1970-01-01..2199-12-31 are refused by the one date module, naming the parameter.
  expect(centuries.status()).toBe(400);
  expect((await centuries.json()).error.message).toMatch(/^from: /);

  // The page says which days it ignored, and clamps a long range to a year instead of drawing every day.
  await page.goto("/reconciliation?from=0001-01-01&to=9999-12-31");
  await expect(page.getByRole("heading", { name: "Reconciliation" })).toBeVisible();
  await expect(page.getByTestId("range-notice")).toContainText("From ignored (a date from 1970-01-01 to 2199-12-31)");
  await page.goto("/reconciliation?from=1970-01-01&to=2199-12-31");
  await expect(page.getByTestId("range-notice")).toContainText("This page shows at most 366 days");
  await expectHealthy(request);
});
