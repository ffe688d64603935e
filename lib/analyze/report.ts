/**
 * Folds priced calls into the report of `trh analyze` (docs/CONTRACT.md: totals, days, models,
 * sessions), after the global de-duplication by call key.
 */

import { dayOf, dayStart } from "@/lib/days";
import type { PriceOverride, priceCall } from "../pricing/price-book";
import type { Tokens } from "../tokens";
import { GrowingColumns, HashIndex, hash64, Interner } from "./compact-ledger";
import type { CallRow, LineError } from "./summarize-file";

export interface AnalyzeReport {
  totals: Tokens;
  days: Array<{ date: string } & Tokens>;
  models: Array<{ model: string } & Tokens>;
  sessions: Array<{ sessionId: string; project: string | null } & Tokens>;
  projects: Array<{ project: string | null } & Tokens>;
  /** Models with no known price: their calls count with costUsd 0 and are named here. */
  unpricedModels: string[];
  errors: LineError[];
}

export interface DateRange {
  /** Inclusive UTC days, YYYY-MM-DD. */
  since: string | null;
  until: string | null;
}

const rowTokens = (row: CallRow): number =>
  row.uncachedInput + row.cacheRead + row.cacheWrite5m + row.cacheWrite1h + row.output;

const emptyTotals = (): Tokens => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  costUsd: 0,
  calls: 0,
});

function addRow(totals: Tokens, row: CallRow, costUsd: number): void {
  totals.inputTokens += row.uncachedInput;
  totals.outputTokens += row.output;
  totals.cacheWriteTokens += row.cacheWrite5m + row.cacheWrite1h;
  totals.cacheReadTokens += row.cacheRead;
  totals.costUsd += costUsd;
  totals.calls += 1;
}

const DAY_MS = 86_400_000;

/** Columns of the ledger's rows (compact-ledger.ts). */
const TIME = 0;
const UNCACHED_INPUT = 1;
const CACHE_READ = 2;
const CACHE_WRITE_5M = 3;
const CACHE_WRITE_1H = 4;
const OUTPUT = 5;
const COST = 6;
const MODEL = 0;
const SESSION = 1;
const PROJECT = 2;
const FLAGS = 3;
const SIDECHAIN_HIGH = 4;
const SIDECHAIN_LOW = 5;
const FAST = 1;
const SIDECHAIN_COPY = 2;
const UNPRICED = 4;

/** The pricing module (lib/pricing/price-book.ts), which analyze-files.ts loads while workers read. */
export interface Pricing {
  priceCall: typeof priceCall;
}

/**
 * Every distinct call once. The same call can sit in several files (resumed sessions replay
 * history, Codex archives mirror sessions, a file read twice): keep the copy with the most tokens.
 * Rows are kept in columns of numbers, keys and message ids as hashes (compact-ledger.ts): about
 * 150 bytes a call instead of 300-450 for an object with its strings. A row is priced when it is
 * stored, as summaries are folded while the workers read, not in the report after them.
 */
export class CallLedger {
  private readonly keys = new HashIndex();
  private readonly columns = new GrowingColumns(7, 6);
  private count = 0;
  private readonly models = new Interner();
  private readonly sessionIds = new Interner();
  private readonly projectNames = new Interner();
  private readonly errors: LineError[] = [];
  /** docs/FORMATS.md rule 3 across files: a /btw sidechain copy and its original may be read apart. */
  private readonly mainMessageIds = new HashIndex();

  private readonly since: number;
  private readonly untilExclusive: number;

  constructor(
    private readonly pricing: Pricing,
    range: DateRange = { since: null, until: null },
    private readonly overrides: readonly PriceOverride[] = [],
  ) {
    this.since = range.since === null ? -Infinity : dayStart(range.since).getTime();
    this.untilExclusive = range.until === null ? Infinity : dayStart(range.until).getTime() + 86_400_000;
  }

  addCall(row: CallRow): void {
    if (row.mainMessageId !== null) {
      const id = hash64(row.mainMessageId);
      this.mainMessageIds.set(id.high, id.low, 1);
    }
    if (row.time < this.since || row.time >= this.untilExclusive) return;
    const key = hash64(row.callKey);
    let index = this.keys.get(key.high, key.low);
    if (index === undefined) {
      index = this.count++;
      this.keys.set(key.high, key.low, index);
      this.columns.reserve(index);
    } else if (rowTokens(row) <= this.storedTokens(index)) return;
    const { float, int } = this.columns;
    float[TIME]![index] = row.time;
    float[UNCACHED_INPUT]![index] = row.uncachedInput;
    float[CACHE_READ]![index] = row.cacheRead;
    float[CACHE_WRITE_5M]![index] = row.cacheWrite5m;
    float[CACHE_WRITE_1H]![index] = row.cacheWrite1h;
    float[OUTPUT]![index] = row.output;
    int[MODEL]![index] = this.models.number(row.model);
    int[SESSION]![index] = this.sessionIds.number(row.sessionId);
    int[PROJECT]![index] = this.projectNames.number(row.project);
    const price = this.pricing.priceCall(
      {
        model: row.model,
        timestamp: new Date(row.time),
        uncachedInput: row.uncachedInput,
        cacheRead: row.cacheRead,
        cacheWrite5m: row.cacheWrite5m,
        cacheWrite1h: row.cacheWrite1h,
        output: row.output,
        speed: row.fast ? "fast" : "standard",
      },
      this.overrides,
    );
    float[COST]![index] = price.costUsd;
    const sidechain = row.sidechainMessageId === null ? null : hash64(row.sidechainMessageId);
    int[FLAGS]![index] =
      (row.fast ? FAST : 0) | (sidechain === null ? 0 : SIDECHAIN_COPY) | (price.priced ? 0 : UNPRICED);
    int[SIDECHAIN_HIGH]![index] = sidechain === null ? 0 : sidechain.high | 0;
    int[SIDECHAIN_LOW]![index] = sidechain === null ? 0 : sidechain.low | 0;
  }

  private storedTokens(index: number): number {
    const { float } = this.columns;
    return (
      float[UNCACHED_INPUT]![index]! +
      float[CACHE_READ]![index]! +
      float[CACHE_WRITE_5M]![index]! +
      float[CACHE_WRITE_1H]![index]! +
      float[OUTPUT]![index]!
    );
  }

  /** The row at `index` as the report folds it, with its cost. */
  private row(index: number): { row: CallRow; costUsd: number; priced: boolean } | null {
    const { float, int } = this.columns;
    const flags = int[FLAGS]![index]!;
    if (
      (flags & SIDECHAIN_COPY) !== 0 &&
      this.mainMessageIds.get(int[SIDECHAIN_HIGH]![index]! >>> 0, int[SIDECHAIN_LOW]![index]! >>> 0) !== undefined
    )
      return null;
    const row: CallRow = {
      callKey: "",
      sidechainMessageId: null,
      mainMessageId: null,
      time: float[TIME]![index]!,
      model: this.models.string(int[MODEL]![index]!)!,
      sessionId: this.sessionIds.string(int[SESSION]![index]!)!,
      project: this.projectNames.string(int[PROJECT]![index]!),
      uncachedInput: float[UNCACHED_INPUT]![index]!,
      cacheRead: float[CACHE_READ]![index]!,
      cacheWrite5m: float[CACHE_WRITE_5M]![index]!,
      cacheWrite1h: float[CACHE_WRITE_1H]![index]!,
      output: float[OUTPUT]![index]!,
      fast: (flags & FAST) !== 0,
    };
    return { row, costUsd: float[COST]![index]!, priced: (flags & UNPRICED) === 0 };
  }

  addError(error: LineError): void {
    this.errors.push(error);
  }

  report(): AnalyzeReport {
    const totals = emptyTotals();
    // By day number: formatting a date per call cost more than the rest of the report.
    const dayNumbers = new Map<number, Tokens>();
    const models = new Map<string, Tokens>();
    const sessions = new Map<string, { project: string | null; totals: Tokens }>();
    const projects = new Map<string | null, Tokens>();
    const unpriced = new Set<string>();
    const group = <K>(map: Map<K, Tokens>, key: K): Tokens => {
      let entry = map.get(key);
      if (entry === undefined) {
        entry = emptyTotals();
        map.set(key, entry);
      }
      return entry;
    };
    for (let index = 0; index < this.count; index++) {
      const priced = this.row(index);
      if (priced === null) continue; // a /btw copy of a main-thread call
      const { row, costUsd: cost } = priced;
      if (!priced.priced) unpriced.add(row.model);
      addRow(totals, row, cost);
      addRow(group(dayNumbers, Math.floor(row.time / DAY_MS)), row, cost);
      addRow(group(models, row.model), row, cost);
      addRow(group(projects, row.project), row, cost);
      let session = sessions.get(row.sessionId);
      if (session === undefined) {
        session = { project: row.project, totals: emptyTotals() };
        sessions.set(row.sessionId, session);
      }
      session.project ??= row.project;
      addRow(session.totals, row, cost);
    }
    const byCost = (a: Tokens, b: Tokens): number => b.costUsd - a.costUsd;
    return {
      totals,
      days: [...dayNumbers]
        .map(([dayNumber, t]) => [dayOf(dayNumber * DAY_MS), t] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([date, t]) => ({ date, ...t })),
      models: [...models].map(([model, t]) => ({ model, ...t })).sort(byCost),
      sessions: [...sessions].map(([sessionId, s]) => ({ sessionId, project: s.project, ...s.totals })).sort(byCost),
      projects: [...projects].map(([project, t]) => ({ project, ...t })).sort(byCost),
      unpricedModels: [...unpriced].sort(),
      errors: this.errors,
    };
  }
}
