/**
 * Abuse cases of authentication and sessions against the real server (issue 11): forwarded-header
 * spoofing around the sign-in limits, cross-site writes riding on the session cookie, a cookie
 * replayed after sign-out, a flood of invalid cookies, adding another team's user, and the CSP
 * nonce on the 403 and 404 pages. Raw sign-ins go through Node's http client so that they can come
 * from chosen loopback addresses: 127.0.0.2 is the trusted proxy (e2e/serve.ts), 127.0.0.3 an
 * attacker, so the limits they trip never touch the other specs' 127.0.0.1.
 */
import { request as httpRequest } from "node:http";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { e2eAdmin } from "./credentials";
import { signIn, signInToTeam, signOut } from "./helpers";

const trustedProxy = "127.0.0.2";
const attacker = "127.0.0.3";
const base = new URL(`http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`);

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request from a chosen local address, with a bounded wait. */
function raw(
  from: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: base.hostname, port: base.port, localAddress: from, method, path, headers, timeout: 30_000 },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} did not answer in 30 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

function cookiePairs(response: RawResponse): string[] {
  const setCookie = response.headers["set-cookie"];
  return (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((cookie) => cookie.split(";")[0]!);
}

/**
 * A sign-in through next-auth's credentials endpoint, as a script would: "ok", "wrong" or
 * "too_many_attempts", read from where it redirects.
 */
async function rawSignIn(from: string, email: string, password: string, headers: Record<string, string> = {}) {
  const csrf = await raw(from, "GET", "/api/auth/csrf", headers);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, email, password, callbackUrl: "/" }).toString();
  const response = await raw(
    from,
    "POST",
    "/api/auth/callback/credentials",
    {
      ...headers,
      "content-type": "application/x-www-form-urlencoded",
      cookie: cookiePairs(csrf).join("; "),
    },
    form,
  );
  expect(response.status).toBe(302);
  const location = String(response.headers.location);
  if (location.includes("code=too_many_attempts")) return "too_many_attempts";
  if (location.includes("error=")) return "wrong";
  expect(cookiePairs(response).some((pair) => pair.includes("authjs.session-token="))).toBe(true);
  return "ok";
}

async function expectHealthy(request: APIRequestContext) {
  const health = await request.get("/api/health", { timeout: 10_000 });
  expect(health.status()).toBe(200);
}

test("X-Forwarded-For is believed only from the trusted proxy", async ({ request }) => {
  test.setTimeout(240_000);
  // The attacker is not a trusted proxy: a new X-Forwarded-For per attempt changes nothing.
  for (let attempt = 0; attempt < 20; attempt++) {
    const result = await rawSignIn(attacker, `nobody-${attempt}@e2e.example.com`, "wrong password", {
      "x-forwarded-for": `198.51.100.${attempt}`,
    });
    expect(result).toBe("wrong");
  }
  expect(
    await rawSignIn(attacker, e2eAdmin.email, e2eAdmin.password, {
      "x-forwarded-for": "203.0.113.77",
      "x-real-ip": "203.0.113.78",
    }),
  ).toBe("too_many_attempts");
  // Through the trusted proxy, X-Forwarded-For names the client: the attacker's own address is
  // still blocked, another client is not.
  expect(await rawSignIn(trustedProxy, e2eAdmin.email, e2eAdmin.password, { "x-forwarded-for": attacker })).toBe(
    "too_many_attempts",
  );
  expect(await rawSignIn(trustedProxy, e2eAdmin.email, e2eAdmin.password, { "x-forwarded-for": "203.0.113.10" })).toBe(
    "ok",
  );
  await expectHealthy(request);
});

test("writes with the session cookie from another origin are refused; same-origin and key writes are not", async ({
  page,
}) => {
  await signInToTeam(page, "e2e-abuse-auth");
  const origin = new URL(page.url()).origin;
  const line = JSON.stringify({
    sessionId: "csrf-probe",
    callKey: "c1",
    timestamp: "2026-01-05T10:00:00Z",
    model: "claude-sonnet-4-5-20250929",
    inputTokens: 10,
    outputTokens: 5,
  });
  const foreign: Record<string, string>[] = [
    { origin: "https://evil.example" },
    { referer: "https://evil.example/page" },
    {},
  ];
  for (const headers of foreign) {
    const ingest = await page.request.post("/api/v1/ingest?format=native", {
      headers: { ...headers, "content-type": "text/plain" },
      data: line,
    });
    expect(ingest.status()).toBe(403);
    expect((await ingest.json()).error.code).toBe("forbidden");
    const outcome = await page.request.post("/api/v1/outcomes", {
      headers: { ...headers, "content-type": "text/plain" },
      data: JSON.stringify({ externalId: "csrf-probe", status: "ACCEPTED" }),
    });
    expect(outcome.status()).toBe(403);
  }
  // Nothing was written by the refused requests.
  const runs = await page.request.get("/api/v1/runs?from=2026-01-01&to=2026-01-31");
  expect((await runs.json()).runs).toEqual([]);

  // The same requests from our own pages go through.
  const ingest = await page.request.post("/api/v1/ingest?format=native", {
    headers: { origin, "content-type": "text/plain" },
    data: line,
  });
  expect(ingest.status()).toBe(200);
  expect((await ingest.json()).calls).toBe(1);
  const outcome = await page.request.post("/api/v1/outcomes", {
    headers: { referer: `${origin}/runs`, "content-type": "application/json" },
    data: { externalId: "csrf-probe", status: "ACCEPTED" },
  });
  expect(outcome.status()).toBe(201);
});

test("a server action posted from another origin is refused (Next.js checks the Origin of server actions)", async ({
  page,
}) => {
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  // The sign-out button posts a server action: learn its id from the browser's own request,
  // which is stopped before it reaches the server.
  let actionId: string | undefined;
  await page.route("**/*", async (route) => {
    const id = route.request().headers()["next-action"];
    if (!id) return route.continue();
    actionId = id;
    await route.abort();
  });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => actionId).toBeTruthy();
  await page.unrouteAll({ behavior: "ignoreErrors" });

  const origin = new URL(page.url()).origin;
  const forge = (from: string) =>
    page.request.post("/", {
      headers: { origin: from, "next-action": actionId!, "content-type": "text/plain;charset=UTF-8" },
      data: "[]",
      maxRedirects: 0,
    });
  const forged = await forge("https://evil.example");
  expect(forged.status()).toBeGreaterThanOrEqual(400);
  expect((await page.request.get("/api/v1/spend?groupBy=day")).status()).toBe(200);
  // The same post from our own origin is the real sign-out.
  await forge(origin);
  expect((await page.request.get("/api/v1/spend?groupBy=day")).status()).toBe(401);
});

test("an old session cookie stops working when its user signs out", async ({ page, playwright }) => {
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  const session = (await page.context().cookies()).find((cookie) => cookie.name.endsWith("authjs.session-token"));
  expect(session).toBeDefined();
  const replay = await playwright.request.newContext({
    baseURL: new URL(page.url()).origin,
    extraHTTPHeaders: { cookie: `${session!.name}=${session!.value}` },
  });
  expect((await replay.get("/api/v1/spend?groupBy=day")).status()).toBe(200);

  await signOut(page);
  const after = await replay.get("/api/v1/spend?groupBy=day");
  expect(after.status()).toBe(401);
  const pageAfter = await replay.get("/settings", { maxRedirects: 0 });
  expect(pageAfter.status()).toBe(307);
  expect(pageAfter.headers().location).toContain("/signin");
  await replay.dispose();

  // Signing in again gives a new session that works.
  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  expect((await page.request.get("/api/v1/spend?groupBy=day")).status()).toBe(200);
});

test("a burst of invalid session cookies is refused and the server stays responsive", async ({ request }) => {
  test.setTimeout(120_000);
  const forged = (i: number) =>
    `authjs.session-token=${"x".repeat(i % 7)}eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..forged${i}.${"A".repeat(40 + i)}.tag`;
  for (let batch = 0; batch < 15; batch++) {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request.get("/api/v1/spend?groupBy=day", { headers: { cookie: forged(batch * 20 + i) }, timeout: 30_000 }),
      ),
    );
    for (const answer of answers) expect(answer.status()).toBe(401);
    await expectHealthy(request);
  }
});

test("adding another team's user only invites them: no role until they accept", async ({ page }) => {
  const victim = { email: `invitee-${Date.now()}@e2e.example.com`, password: "invitee-password-1" };
  // The user exists in team e2e-abuse-auth...
  await signInToTeam(page, "e2e-abuse-auth");
  await page.goto("/settings/members");
  const form = page.getByTestId("add-member-form");
  await form.getByLabel("Email").fill(victim.email);
  await form.getByLabel("Initial password").fill(victim.password);
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByTestId("members")).toContainText(victim.email);

  // ...and an admin of another team adds them by email as admin, with a password of their choosing.
  await page.locator('select[name="teamId"]').selectOption({ label: "e2e-abuse-auth-invite" });
  await expect(page.locator(".brand small")).toHaveText("e2e-abuse-auth-invite");
  await page.goto("/settings/members");
  await form.getByLabel("Email").fill(victim.email);
  await form.getByLabel("Initial password").fill("attacker-chosen-password");
  await form.getByLabel("Role").selectOption("ADMIN");
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByTestId("member-invited")).toBeVisible();
  await expect(page.getByTestId("pending-invitations")).toContainText(victim.email);
  await expect(page.getByTestId("members")).not.toContainText(victim.email);
  await signOut(page);

  // The password the other admin typed does nothing.
  await page.goto("/signin");
  await page.getByLabel("Email").fill(victim.email);
  await page.getByLabel("Password").fill("attacker-chosen-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signin-error")).toBeVisible();

  // The user sees the invitation; until they accept, they are in their own team only.
  await signIn(page, victim.email, victim.password);
  await expect(page.getByLabel("Team")).toHaveCount(0);
  await expect(page.getByTestId("signed-in-as")).toContainText("member");
  await page.getByTestId("invitations-link").click();
  const invitation = page.getByTestId("invitation");
  await expect(invitation).toContainText("Join e2e-abuse-auth-invite as admin");
  await invitation.getByRole("button", { name: "Accept" }).click();
  await expect(page.locator(".brand small")).toHaveText("e2e-abuse-auth-invite");
  await expect(page.getByTestId("signed-in-as")).toContainText("admin");
  await expect(page.getByTestId("invitations-link")).toHaveCount(0);
});

async function collectScriptErrors(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

test("the 403 and 404 pages run their scripts under the CSP, and the 404 page leads back", async ({ page }) => {
  const errors = await collectScriptErrors(page);
  const forbidden = await page.goto("/forbidden");
  expect(forbidden?.headers()["content-security-policy"]).toContain("'nonce-");
  await expect(page.getByTestId("forbidden")).toBeVisible();
  // Next.js's client runtime starts only when its scripts were allowed to run.
  await expect.poll(() => page.evaluate(() => typeof (window as { next?: unknown }).next)).toBe("object");

  await signIn(page, e2eAdmin.email, e2eAdmin.password);
  const missing = await page.goto("/no-such-page");
  expect(missing?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toBeVisible();
  await expect.poll(() => page.evaluate(() => typeof (window as { next?: unknown }).next)).toBe("object");
  await page.getByTestId("not-found").getByRole("link", { name: "Back to the overview" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  // The only error is the 404 status of the missing page itself: no script was refused.
  expect(errors.filter((text) => !/status of 404/.test(text))).toEqual([]);
});
