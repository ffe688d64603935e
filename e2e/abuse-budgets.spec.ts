/**
 * Abuse of the budgets and metrics API against the real server: oversized and malformed bodies,
 * NUL bytes, URLs that are not http(s), path tricks in ids, unknown methods, and a burst of bad
 * requests. Each answers with the right status, and /api/health stays responsive.
 */
import { type APIRequestContext, expect, test } from "@playwright/test";
import { createKeyOnPage, signInToTeam } from "./helpers";

async function expectHealthy(request: APIRequestContext) {
  const health = await request.get("/api/health", { timeout: 5_000 });
  expect(health.status()).toBe(200);
}

const budget = { name: "Abuse", scope: { kind: "team", value: null }, period: "month", amountUsd: 10 };

test("the budgets API refuses what it must and stays responsive", async ({ page, playwright, baseURL }) => {
  test.setTimeout(120_000);
  await signInToTeam(page, "e2e-abuse-budgets");
  const key = await createKeyOnPage(page, "abuse budgets", "all");
  const readKey = await createKeyOnPage(page, "abuse budgets read", "read");
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  try {
    // 100 KB where 32 KB is the cap.
    const big = await api.post("/api/v1/budgets", {
      data: { ...budget, name: "x".repeat(100 * 1024) },
      timeout: 15_000,
    });
    expect(big.status()).toBe(413);
    const broken = await api.post("/api/v1/budgets", {
      headers: { "content-type": "application/json" },
      data: Buffer.from("{not json"),
      timeout: 15_000,
    });
    expect(broken.status()).toBe(400);
    expect((await broken.json()).error.code).toBe("bad_request");
    for (const bad of [
      { ...budget, name: "nul\u0000name" },
      { ...budget, scope: { kind: "model", value: "m\u0000" } },
      { ...budget, channels: [{ kind: "webhook", url: "file:///etc/passwd" }] },
      { ...budget, channels: [{ kind: "slack", url: "javascript:alert(1)" }] },
      { ...budget, channels: [{ kind: "email", to: "a@b.c\r\nBcc: everyone@example.com" }] },
      { ...budget, amountUsd: -1 },
      { ...budget, thresholds: Array.from({ length: 1000 }, (_, i) => i + 1) },
      { ...budget, scope: { kind: "owner", value: '\'; DROP TABLE "Budget"; --' } },
    ]) {
      const response = await api.post("/api/v1/budgets", { data: bad, timeout: 15_000 });
      expect(response.status(), JSON.stringify(bad).slice(0, 120)).toBe(400);
    }
    for (const id of ["..%2F..%2Fhealth", "00000000-0000-0000-0000-000000000000", "x".repeat(500)]) {
      expect((await api.patch(`/api/v1/budgets/${id}`, { data: { amountUsd: 1 }, timeout: 15_000 })).status()).toBe(
        404,
      );
    }
    const put = await api.put("/api/v1/budgets", { data: budget, timeout: 15_000 });
    expect(put.status()).toBe(405);
    // A burst of bad requests, bounded.
    const burst = await Promise.all(
      Array.from({ length: 40 }, () =>
        api.post("/api/v1/budgets", { data: { ...budget, period: "decade" }, timeout: 30_000 }),
      ),
    );
    expect(burst.every((response) => response.status() === 400)).toBe(true);
    await expectHealthy(api);

    // Reading: the read key may, nobody else.
    const anonymous = await playwright.request.newContext({ baseURL });
    expect((await anonymous.get("/api/v1/metrics", { timeout: 15_000 })).status()).toBe(401);
    expect((await anonymous.get("/api/v1/budgets", { timeout: 15_000 })).status()).toBe(401);
    await anonymous.dispose();
    const metrics = await api.get("/api/v1/metrics", {
      headers: { authorization: `Bearer ${readKey}` },
      timeout: 15_000,
    });
    expect(metrics.status()).toBe(200);
    expect(await metrics.text()).toContain("# TYPE trh_budget_status gauge");
    expect(
      (
        await api.post("/api/v1/budgets", {
          headers: { authorization: `Bearer ${readKey}` },
          data: budget,
          timeout: 15_000,
        })
      ).status(),
    ).toBe(403);
    await expectHealthy(api);
  } finally {
    await api.dispose();
  }
});
