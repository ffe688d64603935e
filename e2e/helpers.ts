import { expect, type Page } from "@playwright/test";
import { e2eAdmin, type E2eTeam } from "./credentials";

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(email);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
}

/** Signs in as the e2e admin and switches to the spec's own team with the sidebar's team switcher. */
export async function signInToTeam(page: Page, team: E2eTeam) {
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.getByLabel("Team").selectOption({ label: team });
  await expect(page.locator(".brand small")).toHaveText(team);
}
