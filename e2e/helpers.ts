import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { type E2eTeam, e2eAdmin } from "./credentials";

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

/** Creates an API key on the API keys page and returns it (shown once). */
export async function createKeyOnPage(
  page: Page,
  name: string,
  scope: "ingest" | "read" | "all" = "ingest",
): Promise<string> {
  await page.goto("/settings/api-keys");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Scope").selectOption(scope);
  await page.getByRole("button", { name: "Create key" }).click();
  return (await page.getByTestId("new-api-key").textContent())!.trim();
}

function traceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? traceFiles(full) : name.endsWith(".jsonl") ? [full] : [];
  });
}

/** Sends every .jsonl file under `folder` to the ingest API, named by its path inside the folder. */
export async function ingestFolderThroughApi(page: Page, key: string, folder: string, format = "claude-code") {
  for (const file of traceFiles(folder)) {
    const relative = path.relative(folder, file);
    const response = await page.request.post(`/api/v1/ingest?format=${format}&file=${encodeURIComponent(relative)}`, {
      headers: { authorization: `Bearer ${key}` },
      data: readFileSync(file),
    });
    expect(response.status()).toBe(200);
  }
}

/** Opens the Ingest page once its uploader can take files (files chosen before hydration are lost). */
export async function openUploader(page: Page) {
  await page.goto("/ingest");
  await expect(page.getByTestId("upload-dropzone")).toHaveAttribute("data-ready", "true");
}
