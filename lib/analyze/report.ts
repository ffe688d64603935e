/**
 * Folds priced calls into the report of `trh analyze` (CONTRACT.md: totals, days, models,
 * sessions), after the global de-duplication by call key.
 */

import { dayOf, dayStart } from "@/lib/queries/params";
import { type PriceOverride, priceCall } from "../pricing/price-book";
import type { Tokens } from "../tokens";
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

/** Inclusive UTC day of a call, YYYY-MM-DD. */

/**
 * Every distinct call once. The same call can sit in several files (resumed sessions replay
 * history, Codex archives mirror sessions, a file read twice): keep the copy with the most tokens.
 */
export class CallLedger {
  private readonly rows = new Map<string, CallRow>();
  private readonly errors: LineError[] = [];
  /** FORMATS.md rule 3 across files: a /btw sidechain copy and its original may be read apart. */
  private readonly mainMessageIds = new Set<string>();

  private readonly since: number;
  private readonly untilExclusive: number;

  constructor(
    range: DateRange = { since: null, until: null },
    private readonly overrides: readonly PriceOverride[] = [],
  ) {
    this.since = range.since === null ? -Infinity : dayStart(range.since).getTime();
    this.untilExclusive = range.until === null ? Infinity : dayStart(range.until).getTime() + 86_400_000;
  }

  addCall(row: CallRow): void {
    if (row.mainMessageId !== null) this.mainMessageIds.add(row.mainMessageId);
    if (row.time < this.since || row.time >= this.untilExclusive) return;
    const existing = this.rows.get(row.callKey);
    if (existing === undefined || rowTokens(row) > rowTokens(existing)) this.rows.set(row.callKey, row);
  }

  addError(error: LineError): void {
    this.errors.push(error);
  }

  report(): AnalyzeReport {
    const totals = emptyTotals();
    const days = new Map<string, Tokens>();
    const models = new Map<string, Tokens>();
    const sessions = new Map<string, { project: string | null; totals: Tokens }>();
    const projects = new Map<string | null, Tokens>();
    const unpriced = new Set<string>();
    const group = <K>(map: Map<K, Tokens>, key: K): Tokens => {
      const entry = map.get(key) ?? emptyTotals();
      map.set(key, entry);
      return entry;
    };
    for (const row of this.rows.values()) {
      if (row.sidechainMessageId !== null && this.mainMessageIds.has(row.sidechainMessageId)) continue;
      const price = priceCall(
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
      if (!price.priced) unpriced.add(row.model);
      const cost = price.costUsd;
      addRow(totals, row, cost);
      addRow(group(days, dayOf(row.time)), row, cost);
      addRow(group(models, row.model), row, cost);
      addRow(group(projects, row.project), row, cost);
      const session = sessions.get(row.sessionId) ?? { project: row.project, totals: emptyTotals() };
      sessions.set(row.sessionId, session);
      session.project ??= row.project;
      addRow(session.totals, row, cost);
    }
    const byCost = (a: Tokens, b: Tokens): number => b.costUsd - a.costUsd;
    return {
      totals,
      days: [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, t]) => ({ date, ...t })),
      models: [...models].map(([model, t]) => ({ model, ...t })).sort(byCost),
      sessions: [...sessions].map(([sessionId, s]) => ({ sessionId, project: s.project, ...s.totals })).sort(byCost),
      projects: [...projects].map(([project, t]) => ({ project, ...t })).sort(byCost),
      unpricedModels: [...unpriced].sort(),
      errors: this.errors,
    };
  }
}
