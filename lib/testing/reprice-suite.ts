/**
 * Re-pricing history, checked on whichever database the test file points at (reprice.test.ts on
 * Postgres, reprice-embedded.test.ts on PGlite): generated native calls of a model the price table
 * lacks and of one it knows, in two teams; every stored layer (calls, run totals, RunDaySpend,
 * DailySpend) compared to the cent's trillionth with costs computed here from the token counts
 * alone, after each price change and after re-running it.
 */
import { expect, it } from "vitest";
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { STALE_WORK_AFTER_MS } from "@/lib/db/stale-work";
import { table } from "@/lib/db/tables";
import { HttpError } from "@/lib/http/errors";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { nativeCallKey } from "@/lib/ingest/writer";
import { deletePriceOverride, setPriceOverride } from "@/lib/pricing/manage";
import { latestRepriceJob, repriceCalls } from "@/lib/pricing/reprice";
import { modelPrices } from "@/lib/queries/model-prices";
import { recomputeTeamFindings } from "@/lib/waste/recompute";
import { createTestTeam, type TestTeam, userScope } from "./fixtures";

const DailySpendTable = table("DailySpend");
const Finding = table("Finding");
const Run = table("Run");
const RunContextPackage = table("RunContextPackage");
const cCall = table("Call", "c");
const r = table("Run", "r");
const sRunDaySpend = table("RunDaySpend", "s");

const UNKNOWN = "acme-coder-1";
const KNOWN = "claude-sonnet-4-5";

interface GeneratedCall {
  session: string;
  key: string;
  timestamp: Date;
  model: string;
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
}

/** Micro-dollars per million tokens (= 1e-12 USD per token) of each kind. */
interface Rates {
  input: bigint;
  cacheWrite5m: bigint;
  cacheWrite1h: bigint;
  cacheRead: bigint;
  output: bigint;
}

/** Anthropic's list price of Sonnet 4.5 below 200k tokens of context: $3, $3.75, $6, $0.30, $15 per million. */
const SONNET_LIST: Rates = {
  input: 3_000_000n,
  cacheWrite5m: 3_750_000n,
  cacheWrite1h: 6_000_000n,
  cacheRead: 300_000n,
  output: 15_000_000n,
};
/** What the admin sets for the unknown model: $1.25, $1.5625, $2.5, $0.125, $10.333333 per million. */
const ACME_RATES = {
  input: "1.25",
  cacheWrite5m: "1.5625",
  cacheWrite1h: "2.5",
  cacheRead: "0.125",
  output: "10.333333",
};
const ACME: Rates = {
  input: 1_250_000n,
  cacheWrite5m: 1_562_500n,
  cacheWrite1h: 2_500_000n,
  cacheRead: 125_000n,
  output: 10_333_333n,
};

/** A small deterministic generator: the same calls every run. */
function generatedCalls(): GeneratedCall[] {
  let seed = 20261130;
  const next = (max: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % max;
  };
  const calls: GeneratedCall[] = [];
  for (let session = 0; session < 6; session++) {
    // Each session spans two or three days of 2026-03-01..10, mixing both models.
    const firstDay = 1 + next(8);
    for (let index = 0; index < 14; index++) {
      const day = firstDay + Math.floor(index / 6);
      calls.push({
        session: `s-${session}`,
        key: `c-${index}`,
        timestamp: new Date(Date.UTC(2026, 2, day, 9 + (index % 6), next(60), next(60))),
        model: (session + index) % 3 === 0 ? KNOWN : UNKNOWN,
        input: next(40_000),
        cacheWrite5m: next(30_000),
        cacheWrite1h: next(20_000),
        cacheRead: next(90_000),
        output: next(8_000),
      });
    }
  }
  return calls;
}

const nativeLine = (call: GeneratedCall) =>
  JSON.stringify({
    sessionId: call.session,
    callKey: call.key,
    timestamp: call.timestamp.toISOString(),
    model: call.model,
    inputTokens: call.input,
    outputTokens: call.output,
    cacheWriteTokens: call.cacheWrite5m + call.cacheWrite1h,
    cacheWrite1hTokens: call.cacheWrite1h,
    cacheReadTokens: call.cacheRead,
  });

async function ingest(scope: Scope, calls: GeneratedCall[], fileName: string) {
  const body = `${calls.map(nativeLine).join("\n")}\n`;
  return ingestFile(scope, {
    format: "native",
    fileName,
    body: {
      bytes: (async function* () {
        yield Buffer.from(body);
      })(),
      gzip: false,
    },
  });
}

const costAt = (call: GeneratedCall, rates: Rates) =>
  BigInt(call.input) * rates.input +
  BigInt(call.cacheWrite5m) * rates.cacheWrite5m +
  BigInt(call.cacheWrite1h) * rates.cacheWrite1h +
  BigInt(call.cacheRead) * rates.cacheRead +
  BigInt(call.output) * rates.output;

/** `units` less `percent` percent, rounded half up to 1e-12 USD. */
const discount = (units: bigint, percent: bigint) => (units * (100n - percent) + 50n) / 100n;

/** The price book as this test understands it, in 1e-12 USD per call. */
interface Book {
  acme: { from: string; until: string | null } | null;
  sonnetDiscountFrom: string | null;
  sonnetDiscountPercent: bigint;
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

function expectedUnits(call: GeneratedCall, book: Book): bigint {
  const day = dayOf(call.timestamp);
  if (call.model === UNKNOWN) {
    const period = book.acme;
    const covered = period !== null && day >= period.from && (period.until === null || day <= period.until);
    return covered ? costAt(call, ACME) : 0n;
  }
  const list = costAt(call, SONNET_LIST);
  return book.sonnetDiscountFrom !== null && day >= book.sonnetDiscountFrom
    ? discount(list, book.sonnetDiscountPercent)
    : list;
}

/** A numeric as text -> whole 1e-12 USD; the digits past the 12th must be zeros (no rounding here). */
function units(text: string | null): bigint {
  const [whole, fraction = ""] = (text ?? "0").split(".");
  expect(fraction.slice(12).replace(/0/g, "")).toBe("");
  return BigInt(`${whole}${fraction.padEnd(12, "0").slice(0, 12)}`);
}

function sumBy<T>(items: T[], key: (item: T) => string, value: (item: T) => bigint): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0n) + value(item));
  return sums;
}

/** Every stored layer of the team, as exact amounts keyed the way the expectation is. */
async function storedLayers(teamId: string) {
  const calls = await db().$queryRaw<{ session: string; key: string; cost: string }[]>`
    SELECT ${r.externalId} AS session, ${cCall.callKey} AS key, ${cCall.costUsd}::text AS cost
    FROM ${cCall.$} JOIN ${r.$} ON ${r.teamId} = ${cCall.teamId} AND ${r.id} = ${cCall.runId} WHERE ${cCall.teamId} = ${teamId}::uuid`;
  const runs = await db().$queryRaw<{ session: string; cost: string }[]>`
    SELECT ${Run.externalId} AS session, ${Run.costUsd}::text AS cost FROM ${Run.$} WHERE ${Run.teamId} = ${teamId}::uuid`;
  const runDays = await db().$queryRaw<{ key: string; cost: string }[]>`
    SELECT ${r.externalId} || '/' || to_char(${sRunDaySpend.day}, 'YYYY-MM-DD') || '/' || ${sRunDaySpend.model} AS key, ${sRunDaySpend.costUsd}::text AS cost
    FROM ${sRunDaySpend.$} JOIN ${r.$} ON ${r.teamId} = ${sRunDaySpend.teamId} AND ${r.id} = ${sRunDaySpend.runId} WHERE ${sRunDaySpend.teamId} = ${teamId}::uuid`;
  const daily = await db().$queryRaw<{ key: string; cost: string }[]>`
    SELECT to_char(${DailySpendTable.day}, 'YYYY-MM-DD') || '/' || ${DailySpendTable.model} AS key, sum(${DailySpendTable.costUsd})::text AS cost
    FROM ${DailySpendTable.$} WHERE ${DailySpendTable.teamId} = ${teamId}::uuid GROUP BY ${DailySpendTable.day}, ${DailySpendTable.model}`;
  const asMap = (rows: { key: string; cost: string }[]) => new Map(rows.map((row) => [row.key, units(row.cost)]));
  return {
    calls: asMap(calls.map((row) => ({ key: `${row.session}/${row.key}`, cost: row.cost }))),
    runs: asMap(runs.map((row) => ({ key: row.session, cost: row.cost }))),
    runDays: asMap(runDays),
    daily: asMap(daily),
  };
}

function expectedLayers(calls: GeneratedCall[], book: Book) {
  const cost = (call: GeneratedCall) => expectedUnits(call, book);
  return {
    calls: sumBy(calls, (call) => `${call.session}/${nativeCallKey(call.session, call.key)}`, cost),
    runs: sumBy(calls, (call) => call.session, cost),
    runDays: sumBy(calls, (call) => `${call.session}/${dayOf(call.timestamp)}/${call.model}`, cost),
    daily: sumBy(calls, (call) => `${dayOf(call.timestamp)}/${call.model}`, cost),
  };
}

/** Layers as sorted plain objects of decimal text, so a failure names the keys that differ. */
const readable = (layers: Record<string, Map<string, bigint>>) =>
  Object.fromEntries(
    Object.entries(layers).map(([name, map]) => [
      name,
      Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v.toString()])),
    ]),
  );

async function expectPricedAs(team: TestTeam, calls: GeneratedCall[], book: Book): Promise<void> {
  expect(readable(await storedLayers(team.teamId))).toEqual(readable(expectedLayers(calls, book)));
}

async function refusal(work: Promise<unknown>): Promise<HttpError> {
  const error = await work.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

/** What the Prices page lists as unpriced: the unknown model's calls outside `period`, from the counts alone. */
function unpricedOutside(calls: GeneratedCall[], period: Book["acme"]) {
  const outside = calls.filter(
    (call) =>
      call.model === UNKNOWN &&
      (period === null ||
        dayOf(call.timestamp) < period.from ||
        (period.until !== null && dayOf(call.timestamp) > period.until)),
  );
  const days = outside.map((call) => dayOf(call.timestamp)).sort();
  const sum = (tokens: (call: GeneratedCall) => number) => outside.reduce((total, call) => total + tokens(call), 0);
  return {
    model: UNKNOWN,
    calls: outside.length,
    inputTokens: sum((call) => call.input),
    outputTokens: sum((call) => call.output),
    cacheWriteTokens: sum((call) => call.cacheWrite5m + call.cacheWrite1h),
    cacheReadTokens: sum((call) => call.cacheRead),
    firstDay: days[0],
    lastDay: days.at(-1),
  };
}

/** The amounts derived from call prices after the fact: each run's context package cost and findings. */
async function derivedAmounts(teamId: string) {
  const packages = await db().$queryRaw<{ run: string; cost: string }[]>`
    SELECT ${RunContextPackage.runId}::text AS run, ${RunContextPackage.packageCostUsd}::text AS cost FROM ${RunContextPackage.$} WHERE ${RunContextPackage.teamId} = ${teamId}::uuid ORDER BY 1`;
  const findings = await db().$queryRaw<{ run: string; category: string; usd: string }[]>`
    SELECT ${Finding.runId}::text AS run, ${Finding.category}, ${Finding.wastedUsd}::text AS usd FROM ${Finding.$} WHERE ${Finding.teamId} = ${teamId}::uuid ORDER BY 1, 2, 3`;
  return { packages, findings };
}

/** Registers the re-pricing tests; the caller chose the database. */
export function repricingTests(): void {
  const calls = generatedCalls();
  const acmeIn = (from: string, until: string) =>
    calls.filter((c) => c.model === UNKNOWN && dayOf(c.timestamp) >= from && dayOf(c.timestamp) <= until).length;

  it("re-prices history exactly in every layer, once per change, and never another team's", async () => {
    const [team, other] = [await createTestTeam("prices"), await createTestTeam("prices-other")];
    const admin = userScope(team);
    await ingest(admin, calls, "calls.jsonl");
    await ingest(userScope(other), calls, "calls.jsonl");
    const listOnly: Book = { acme: null, sonnetDiscountFrom: null, sonnetDiscountPercent: 0n };
    await expectPricedAs(team, calls, listOnly);
    expect((await modelPrices(admin)).unpriced).toEqual([unpricedOutside(calls, null)]);
    const derivedBefore = await derivedAmounts(team.teamId);

    // A model the table lacks gets exact rates for 2026-03-03..07: only those days' calls change.
    const acme = await setPriceOverride(admin, {
      model: UNKNOWN,
      from: "2026-03-03",
      until: "2026-03-07",
      price: { kind: "rates", ...ACME_RATES },
    });
    await acme.repriced;
    const acmeBook: Book = { ...listOnly, acme: { from: "2026-03-03", until: "2026-03-07" } };
    await expectPricedAs(team, calls, acmeBook);
    await expectPricedAs(other, calls, listOnly);
    expect((await modelPrices(admin)).unpriced).toEqual([unpricedOutside(calls, acmeBook.acme)]);
    // Context packages and findings of the re-priced runs follow: what a full recompute would give.
    const derivedAfter = await derivedAmounts(team.teamId);
    expect(derivedAfter.packages).not.toEqual(derivedBefore.packages);
    await recomputeTeamFindings(team.teamId);
    expect(await derivedAmounts(team.teamId)).toEqual(derivedAfter);
    expect(await latestRepriceJob(team.teamId)).toMatchObject({
      id: acme.job.id,
      status: "done",
      done: acmeIn("2026-03-03", "2026-03-07"),
      total: acmeIn("2026-03-03", "2026-03-07"),
    });
    expect(acme.job.total).toBe(acmeIn("2026-03-03", "2026-03-07"));
    expect(await latestRepriceJob(other.teamId)).toBeNull();

    // Running the same re-pricing again finds nothing to change.
    const again = await repriceCalls(team.teamId, [{ model: "*", from: new Date(0), until: null }]);
    expect(again).toMatchObject({ calls: calls.length, changed: 0, runIds: [] });
    await expectPricedAs(team, calls, acmeBook);

    // A negotiated 20% off the known model from 2026-03-05 on, open-ended.
    const sonnet = await setPriceOverride(admin, {
      model: KNOWN,
      from: "2026-03-05",
      price: { kind: "discount", percent: "20" },
    });
    await sonnet.repriced;
    const bothBook: Book = { ...acmeBook, sonnetDiscountFrom: "2026-03-05", sonnetDiscountPercent: 20n };
    await expectPricedAs(team, calls, bothBook);

    // Moving the unknown model's period re-prices the days it left and the days it reached.
    const moved = await setPriceOverride(
      admin,
      { model: UNKNOWN, from: "2026-03-06", until: null, price: { kind: "rates", ...ACME_RATES } },
      acme.override!.id,
    );
    await moved.repriced;
    const movedBook: Book = { ...bothBook, acme: { from: "2026-03-06", until: null } };
    await expectPricedAs(team, calls, movedBook);
    expect(moved.job.total).toBe(acmeIn("2026-03-03", "2026-03-07") + acmeIn("2026-03-06", "2026-12-31"));

    // A new upload is priced by the overrides at each call's date.
    const late: GeneratedCall[] = ["2026-03-02", "2026-03-08"].map((day, index) => ({
      session: "s-late",
      key: `late-${index}`,
      timestamp: new Date(`${day}T12:00:00Z`),
      model: UNKNOWN,
      input: 1234,
      cacheWrite5m: 567,
      cacheWrite1h: 89,
      cacheRead: 10_111,
      output: 2_345,
    }));
    await ingest(admin, late, "late.jsonl");
    await expectPricedAs(team, [...calls, ...late], movedBook);

    // Deleting the discount gives the known model its list price back.
    await (await deletePriceOverride(admin, sonnet.override!.id)).repriced;
    await expectPricedAs(team, [...calls, ...late], { ...movedBook, sonnetDiscountFrom: null });
    await expectPricedAs(other, calls, listOnly);
  }, 300_000);

  it("works in bounded batches, each one transaction, and reports progress after each", async () => {
    const team = await createTestTeam("prices-batches");
    const admin = userScope(team);
    await ingest(admin, calls, "calls.jsonl");
    const acmeCalls = calls.filter((c) => c.model === UNKNOWN).length;
    const change = await setPriceOverride(
      admin,
      { model: "acme-*", from: "2026-03-01", price: { kind: "rates", ...ACME_RATES } },
      undefined,
      { batchCalls: 7 },
    );
    await change.repriced;
    const book: Book = {
      acme: { from: "2026-03-01", until: null },
      sonnetDiscountFrom: null,
      sonnetDiscountPercent: 0n,
    };
    await expectPricedAs(team, calls, book);
    expect(await latestRepriceJob(team.teamId)).toMatchObject({ status: "done", done: acmeCalls, total: acmeCalls });
    // Walking everything 7 calls at a time: one transaction and one progress report per batch.
    const progress: number[] = [];
    const result = await repriceCalls(team.teamId, [{ model: "*", from: new Date(0), until: null }], {
      batchCalls: 7,
      onProgress: (done) => progress.push(done),
    });
    expect(result.batches).toBe(Math.ceil(calls.length / 7));
    expect(progress).toEqual(Array.from({ length: result.batches }, (_, i) => Math.min((i + 1) * 7, calls.length)));
    expect(result.changed).toBe(0);
    await expectPricedAs(team, calls, book);
    // A job whose process stopped (no heartbeat for the stale-work time) shows as interrupted.
    await db().job.update({
      where: { teamId_id: { teamId: team.teamId, id: change.job.id } },
      data: { status: "running", heartbeatAt: new Date(Date.now() - STALE_WORK_AFTER_MS - 1000) },
    });
    expect((await latestRepriceJob(team.teamId))?.status).toBe("interrupted");
  }, 300_000);

  it("refuses overlapping periods, discounts on unknown models, members and other teams' ids", async () => {
    const [team, other] = [await createTestTeam("prices-refused"), await createTestTeam("prices-refused-other")];
    const admin = userScope(team);
    const first = await setPriceOverride(admin, {
      model: UNKNOWN,
      from: "2026-03-01",
      until: "2026-03-10",
      price: { kind: "rates", ...ACME_RATES },
    });
    await first.repriced;
    const overlap = await refusal(
      setPriceOverride(admin, { model: UNKNOWN, from: "2026-03-10", price: { kind: "rates", ...ACME_RATES } }),
    );
    expect(overlap.status).toBe(400);
    expect(overlap.message).toContain("from 2026-03-01 to 2026-03-10");
    await (
      await setPriceOverride(admin, { model: UNKNOWN, from: "2026-03-11", price: { kind: "rates", ...ACME_RATES } })
    ).repriced;
    const nothingToDiscount = await refusal(
      setPriceOverride(admin, { model: UNKNOWN, from: "2026-04-01", price: { kind: "discount", percent: "10" } }),
    );
    expect(nothingToDiscount.message).toContain("no list price to discount");
    expect((await refusal(setPriceOverride(userScope(team, "MEMBER"), { model: "x" }))).status).toBe(403);
    expect((await refusal(setPriceOverride(userScope(team, "MANAGER"), { model: "x" }))).status).toBe(403);
    const foreign = await refusal(
      setPriceOverride(
        userScope(other),
        { model: UNKNOWN, from: "2026-05-01", price: { kind: "rates", ...ACME_RATES } },
        first.override!.id,
      ),
    );
    expect(foreign.status).toBe(404);
    expect((await refusal(deletePriceOverride(userScope(other), first.override!.id))).status).toBe(404);
    expect((await refusal(deletePriceOverride(admin, "not-a-uuid"))).status).toBe(404);
    expect(await db().priceOverride.count({ where: { teamId: team.teamId } })).toBe(2);
  }, 120_000);
}
