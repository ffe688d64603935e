import { expect, test } from "@playwright/test";
import { e2eAdmin } from "./credentials";
import { signIn, signOut } from "./helpers";

test("a signed-out visitor is sent to sign in, and a wrong password is refused", async ({ page }) => {
  await page.goto("/runs");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fruns/);
  await page.getByLabel("Email").fill(e2eAdmin.email);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signin-error")).toHaveText("That email and password do not match.");
});

test("every page carries a content security policy and the security headers", async ({ page }) => {
  const response = await page.goto("/signin");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
});

test("admin sees the shell, creates a member; the member is refused admin pages and signs out", async ({ page }) => {
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  for (const item of ["Overview", "Runs", "Ownership", "Waste", "Ingest", "Settings"]) {
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: item })).toBeVisible();
  }
  await expect(page.getByTestId("get-started")).toBeVisible();

  await page.goto("/settings/members");
  const memberEmail = `member-${Date.now()}@e2e.example.com`;
  const form = page.getByTestId("add-member-form");
  await form.getByLabel("Email").fill(memberEmail);
  await form.getByLabel("Initial password").fill("member-password-1");
  await form.getByLabel("Role").selectOption("MEMBER");
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByTestId("members")).toContainText(memberEmail);
  // The team's only admin cannot demote themselves.
  const ownRow = page.getByTestId("members").getByRole("row").filter({ hasText: e2eAdmin.email });
  await ownRow.getByLabel(`Role of ${e2eAdmin.email}`).selectOption("MEMBER");
  await ownRow.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("A team needs at least one admin")).toBeVisible();

  await page.goto("/settings/api-keys");
  await page.getByLabel("Name").fill("laptop");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-api-key")).toHaveText(/^trh_[0-9a-f]{12}_/);
  await signOut(page);

  await signIn(page, memberEmail, "member-password-1");
  await page.goto("/settings/members");
  await expect(page.getByTestId("forbidden")).toBeVisible();
  // A member's key page is their own push keys: the admin's "laptop" key is not theirs to see.
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("heading", { name: "Your push keys" })).toBeVisible();
  await expect(page.getByText("laptop")).toHaveCount(0);
  const apiResponse = await page.request.get("/api/v1/spend?groupBy=owner");
  expect(apiResponse.status()).toBe(403);
  expect((await apiResponse.json()).error.code).toBe("forbidden");
  await page.goto("/");
  await signOut(page);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/signin/);
});

test("health answers ok with the database kind", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({
    status: "ok",
    database: process.env.E2E_DATABASE === "embedded" ? "embedded" : "postgres",
  });
});
