/**
 * Abuse of the GitHub webhook and the outcomes API against the real server: a replayed delivery,
 * an old "closed" delivery after a person accepted the run, chunked oversized bodies from nobody,
 * and NUL bytes in outcome fields. Each answers in time with the right status, and /api/health
 * stays responsive. Payloads are GitHub's real examples (lib/testing/github-payloads.ts).
 */
import http from "node:http";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { closedPullRequest, deliveryHeaders, reopenedPullRequest } from "../lib/testing/github-payloads";
import { createKeyOnPage, signInToTeam } from "./helpers";

const team = "e2e-abuse-webhook";
const secret = "abuse-spec-webhook-secret";
const MB = 1024 * 1024;

async function expectHealthy(request: APIRequestContext) {
  const health = await request.get("/api/health", { timeout: 5_000 });
  expect(health.status()).toBe(200);
}

/**
 * POSTs `totalBytes` with Transfer-Encoding: chunked (no Content-Length), 64 KB at a time, and stops
 * sending as soon as the server answers. Returns the status and how much was sent by then.
 */
function chunkedPost(
  baseURL: string,
  path: string,
  headers: Record<string, string>,
  totalBytes: number,
): Promise<{ status: number; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sentBytes = 0;
    let answered = false;
    const request = http.request(new URL(path, baseURL), {
      method: "POST",
      headers: { ...headers, "transfer-encoding": "chunked" },
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`no answer after ${sentBytes} bytes`));
    }, 60_000);
    request.on("response", (response) => {
      answered = true;
      clearTimeout(timer);
      response.resume();
      resolve({ status: response.statusCode ?? 0, sentBytes });
      request.destroy();
    });
    request.on("error", (error) => {
      if (!answered) {
        clearTimeout(timer);
        reject(error);
      }
    });
    const pump = () => {
      while (!answered && sentBytes < totalBytes) {
        sentBytes += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", pump);
          return;
        }
      }
      if (!answered) request.end();
    };
    pump();
  });
}

test("webhook and outcomes abuse: replays, a person's decision, oversized chunked bodies, NUL fields", async ({
  page,
  request,
  baseURL,
}) => {
  test.setTimeout(180_000);
  await signInToTeam(page, team);
  const key = await createKeyOnPage(page, "abuse-webhook", "all");
  const auth = { authorization: `Bearer ${key}` };
  expect((await request.put("/api/v1/webhooks/github", { headers: auth, data: { secret } })).status()).toBe(204);

  // One run in a Hello-World checkout on the example PR's head branch.
  const trace = JSON.stringify({
    sessionId: "abuse-webhook-run",
    callKey: "abuse-webhook-run:1",
    timestamp: "2026-11-02T10:00:00.000Z",
    model: "claude-sonnet-4-5-20250929",
    inputTokens: 1000,
    outputTokens: 100,
    cwd: "/home/ana/src/Hello-World",
    gitBranch: "changes",
  });
  expect(
    (
      await request.post("/api/v1/ingest?format=native&file=abuse.jsonl", { headers: auth, data: Buffer.from(trace) })
    ).status(),
  ).toBe(200);
  const { runs } = await (await request.get("/api/v1/runs?from=2026-11-01&to=2026-11-30", { headers: auth })).json();
  const runId: string = runs.find((run: { externalId: string }) => run.externalId === "abuse-webhook-run").id;
  const outcomeOf = async () => (await (await request.get(`/api/v1/runs/${runId}`, { headers: auth })).json()).outcome;
  const deliver = (payload: unknown, deliveryId: string) => {
    const body = JSON.stringify(payload);
    return request.post(`/api/v1/webhooks/github/${team}`, {
      headers: deliveryHeaders(body, secret, deliveryId),
      data: Buffer.from(body),
    });
  };

  // A delivery, then the same delivery again: the second changes nothing.
  const first = await deliver(closedPullRequest(), "abuse-closed-1");
  expect(first.status()).toBe(200);
  expect(await first.json()).toMatchObject({ applied: true, status: "REJECTED", decidedRuns: [runId] });
  const rejected = await outcomeOf();
  expect(rejected).toMatchObject({
    status: "REJECTED",
    source: "github",
    matchedBy: "branch",
    repositoryMatch: "folder",
  });
  const replay = await deliver(closedPullRequest(), "abuse-closed-1");
  expect(replay.status()).toBe(200);
  expect(await replay.json()).toMatchObject({ applied: false, decidedRuns: [] });
  expect(await outcomeOf()).toEqual(rejected);
  await expectHealthy(request);

  // A person accepts the run; the old "closed" delivery replayed, a fresh copy of it, and a reopen change nothing.
  expect(
    (
      await request.post("/api/v1/outcomes", {
        headers: auth,
        data: { runId, status: "ACCEPTED", evidence: "reviewed by hand" },
      })
    ).status(),
  ).toBe(201);
  for (const [payload, deliveryId] of [
    [closedPullRequest(), "abuse-closed-1"],
    [closedPullRequest(), "abuse-closed-2"],
    [reopenedPullRequest(), "abuse-reopened-1"],
  ] as const) {
    const response = await deliver(payload, deliveryId);
    expect(response.status()).toBe(200);
    expect((await response.json()).decidedRuns).toEqual([]);
  }
  expect(await outcomeOf()).toMatchObject({ status: "ACCEPTED", source: "api", evidence: "reviewed by hand" });
  await expectHealthy(request);

  // 30 MB chunked from nobody: without a signature it is refused before the body is read ...
  const unsigned = await chunkedPost(
    baseURL!,
    `/api/v1/webhooks/github/${team}`,
    { "content-type": "application/json", "x-github-event": "pull_request" },
    30 * MB,
  );
  expect(unsigned.status).toBe(401);
  expect(unsigned.sentBytes).toBeLessThan(30 * MB);
  await expectHealthy(request);
  // ... and with a made-up one (100 MB offered), once it passes GitHub's 25 MB cap, never buffered whole.
  const forged = await chunkedPost(
    baseURL!,
    `/api/v1/webhooks/github/${team}`,
    {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": "abuse-big",
      "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
    },
    100 * MB,
  );
  expect(forged.status).toBe(413);
  // Answered soon after the cap (plus what the sockets and the forwarding server hold), not at the end.
  expect(forged.sentBytes).toBeLessThan(60 * MB);
  await expectHealthy(request);
  // The outcomes API's cap is a few KB: 30 MB chunked with a valid key is refused long before its end.
  const outcomesBody = await chunkedPost(
    baseURL!,
    "/api/v1/outcomes",
    { ...auth, "content-type": "application/json" },
    30 * MB,
  );
  expect(outcomesBody.status).toBe(413);
  expect(outcomesBody.sentBytes).toBeLessThan(30 * MB);
  await expectHealthy(request);

  // NUL bytes in outcome fields are a 400, in a signed webhook payload a delivery that decides nothing.
  expect(
    (
      await request.post("/api/v1/outcomes", {
        headers: auth,
        data: { externalId: "abuse\u0000run", status: "ACCEPTED" },
      })
    ).status(),
  ).toBe(400);
  expect(
    (
      await request.post("/api/v1/outcomes", {
        headers: auth,
        data: { runId, status: "REJECTED", evidence: "nul\u0000here" },
      })
    ).status(),
  ).toBe(400);
  const withNul = closedPullRequest();
  withNul.pull_request.head.ref = "chan\u0000ges";
  const nulDelivery = await deliver(withNul, "abuse-nul-1");
  expect(nulDelivery.status()).toBe(200);
  expect(await nulDelivery.json()).toMatchObject({ handled: false });
  expect(await outcomeOf()).toMatchObject({ status: "ACCEPTED", source: "api" });
  await expectHealthy(request);
});
