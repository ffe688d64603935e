/**
 * Every page, on a team with a realistic month of data, at a desktop width (1440 px) and a phone's
 * (390 px): a screenshot of each under test-results/screens/, and a failure for a page wider than
 * the window (the document scrolls sideways), a console error, an uncaught exception or a request
 * that failed (4xx/5xx or never answered). The list of pages is checked against the page files
 * under app/, so a new page fails here until it is added.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { e2eAdmin } from "./credentials";
import { signInToTeam } from "./helpers";
import { type RealisticTeam, seedRealisticTeam } from "./realistic-team";

const allWidths = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;
/** Layout does not depend on the database: on the embedded one, each page's queries at one width. */
const widths = process.env.E2E_DATABASE === "embedded" ? allWidths.slice(0, 1) : allWidths;

interface Screen {
  /** The page file's route under app/, route groups dropped ("/runs/[id]"). */
  route: string;
  /** The address visited, from the seeded team. */
  url: (team: RealisticTeam) => string;
  /** Signed out (the sign-in page). */
  signedOut?: true;
}

/** Every page of the app; a page file under app/ missing from this list fails the first test. */
const screens: Screen[] = [
  { route: "/", url: () => "/" },
  { route: "/runs", url: () => "/runs" },
  { route: "/runs/[id]", url: (team) => `/runs/${team.runIds[0]}` },
  { route: "/runs/compare", url: (team) => `/runs/compare?a=${team.runIds[0]}&b=${team.runIds[1]}` },
  { route: "/ownership", url: () => "/ownership" },
  { route: "/ownership/audit", url: () => "/ownership/audit" },
  { route: "/waste", url: () => "/waste" },
  { route: "/budgets", url: () => "/budgets" },
  { route: "/outcomes", url: () => "/outcomes" },
  { route: "/context", url: () => "/context" },
  { route: "/reconciliation", url: () => "/reconciliation" },
  {
    route: "/workflows",
    url: () =>
      `/workflows?${new URLSearchParams([
        ["cohort", "model:claude-opus-4-6"],
        ["cohort", "model:gpt-5"],
      ])}`,
  },
  { route: "/ingest", url: () => "/ingest" },
  { route: "/ingest/history", url: () => "/ingest/history" },
  { route: "/settings", url: () => "/settings" },
  { route: "/settings/api-keys", url: () => "/settings/api-keys" },
  { route: "/settings/members", url: () => "/settings/members" },
  { route: "/settings/webhooks", url: () => "/settings/webhooks" },
  { route: "/settings/prices", url: () => "/settings/prices" },
  { route: "/settings/retention", url: () => "/settings/retention" },
  { route: "/invitations", url: () => "/invitations" },
  { route: "/forbidden", url: () => "/forbidden" },
  { route: "/signin", url: () => "/signin", signedOut: true },
];

/** The routes of the page files under app/ (route groups such as "(app)" are not part of the address). */
function pageRoutes(dir = path.resolve("app"), prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name === "api") return [];
      return pageRoutes(full, /^\(.*\)$/.test(name) ? prefix : `${prefix}/${name}`);
    }
    return name === "page.tsx" ? [prefix || "/"] : [];
  });
}

test("the list of pages screenshotted is every page of the app", () => {
  expect(screens.map((screen) => screen.route).sort()).toEqual(pageRoutes().sort());
});

/** What went wrong while a page loaded and settled: console errors, exceptions, failed requests. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => {
    const error = request.failure()?.errorText;
    // The router prefetches the pages that links point to and cancels prefetches it no longer needs.
    if (error === "net::ERR_ABORTED" && request.headers().rsc === "1") return;
    problems.push(`request failed: ${request.method()} ${request.url()} (${error})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400)
      problems.push(`${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return problems;
}

async function horizontalOverflow(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const scrolling = document.scrollingElement!;
    if (scrolling.scrollWidth <= window.innerWidth) return null;
    // Name the widest elements that stick out, so the failure says where to look.
    const culprits = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
      .filter(
        (element) =>
          !element.parentElement || element.parentElement.getBoundingClientRect().right <= window.innerWidth + 1,
      )
      .slice(0, 5)
      .map(
        (element) =>
          `${element.tagName.toLowerCase()}.${[...element.classList].join(".")} (${Math.round(element.getBoundingClientRect().right)} px)`,
      );
    return `document is ${scrolling.scrollWidth} px wide in a ${window.innerWidth} px window: ${culprits.join(", ")}`;
  });
}

const shot = (route: string, width: string) =>
  path.resolve(
    "test-results/screens",
    `${route === "/" ? "overview" : route.slice(1).replace(/[/[\]]+/g, "_")}-${width}.png`,
  );

type SignedIn = Awaited<ReturnType<BrowserContext["storageState"]>>;

async function visit(browser: Browser, storageState: SignedIn, screen: Screen, team: RealisticTeam) {
  const failures: string[] = [];
  for (const size of widths) {
    const context = await browser.newContext({
      viewport: { width: size.width, height: size.height },
      storageState: screen.signedOut ? undefined : storageState,
    });
    const page = await context.newPage();
    const problems = watch(page);
    const response = await page.goto(screen.url(team));
    await page.waitForLoadState("networkidle");
    // Charts measure their container after layout; give them a frame to draw.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: shot(screen.route, size.name), fullPage: true });
    const overflow = await horizontalOverflow(page);
    const navigation = page.getByRole("navigation", { name: "Main" });
    if (!screen.signedOut && (await page.getByTestId("signed-in-as").count()) > 0) {
      // On a phone the navigation is folded behind the Menu button; on a desktop it is always there.
      if (size.name === "phone") {
        await expect(navigation).toBeHidden();
        await page.getByRole("button", { name: "Menu" }).click();
        if (screen.route === "/") await page.screenshot({ path: shot("/menu", size.name) });
      }
      await expect(navigation.getByRole("link", { name: "Waste" })).toBeVisible();
    }
    if (response && response.status() >= 400 && screen.route !== "/forbidden")
      failures.push(`${size.name}: answered ${response.status()}`);
    if (overflow) failures.push(`${size.name}: ${overflow}`);
    for (const problem of problems) failures.push(`${size.name}: ${problem}`);
    await context.close();
  }
  return failures;
}

test(`every page at ${widths.map((size) => size.width).join(" and ")} px: no sideways scrolling, console errors or failed requests`, async ({
  page,
  browser,
}) => {
  test.setTimeout(600_000);
  await signInToTeam(page, "e2e-screens");
  const team = await seedRealisticTeam(page);
  const storageState = await page.context().storageState();
  const failures: string[] = [];
  for (const screen of screens) {
    for (const failure of await visit(browser, storageState, screen, team)) failures.push(`${screen.route} ${failure}`);
  }
  expect(failures, `${e2eAdmin.email} on e2e-screens`).toEqual([]);
});
