/**
 * The one writer every way in ends in (upload, `trh import`, `trh push`, the ingest API, OTLP):
 * normalized events -> priced calls -> runs -> calls, tool calls, run totals and rollups, written
 * in chunks, each chunk one transaction, so the database never holds half a chunk and a crash
 * loses at most the chunk in flight. Re-running the same input completes it exactly: every call
 * has an identity per source, and a call already stored is replaced only by a more complete copy
 * of itself (a streamed response's later line), with the rollups moved by the difference.
 */
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { databaseKind } from "@/lib/db/config";
import { Prisma } from "@/lib/generated/prisma/client";
import { priceCall, type PriceOverride } from "@/lib/pricing/price-book";
import { contextTokens, totalTokens, type NormalizedCall, type SessionEvent, type ToolResultEvent, type TraceEvent, type TraceSource } from "./normalized-call";
import type { AttributionContext } from "@/lib/ownership/attribution";
import { jsonRows } from "@/lib/db/json-rows";
import { addToDailySpend } from "@/lib/ownership/daily-spend";
import { attributePullRequestRuns, attributeRunsInTransaction, loadAttributionContext } from "@/lib/ownership/reattribute";
import { senderOf, traceIdentity, type Sender } from "./identities";
import { validEvents } from "./validate-events";
import { HEARTBEAT_EVERY_MS } from "@/lib/db/stale-work";
import { evaluateBudgetsAfterIngest } from "@/lib/budgets/evaluate";
import { recomputeRunPackages } from "@/lib/context-package/recompute";
import { recomputeRunFindings } from "@/lib/waste/recompute";

/**
 * Calls per transaction: big enough for fast bulk statements, small enough to lose little on a
 * crash. The embedded database is one connection, so every other request (/api/health included)
 * waits for the chunk in flight: smaller chunks there keep the server answering during an upload.
 */
const chunkCalls = () => (databaseKind() === "embedded" ? 500 : 2000);
/** Longest stretch of parsing without letting the server's other requests in. */
const YIELD_EVERY_MS = 20;
/** Errors kept on the batch row; the count is always exact. */
const STORED_ERRORS = 1000;

export interface IngestError {
  file?: string;
  line: number;
  message: string;
}

export interface IngestResult {
  batchId: string;
  runs: number;
  /** The runs this input added to or created, to count distinct runs over many files. */
  runIds: string[];
  calls: number;
  duplicates: number;
  costUsd: number;
  errors: IngestError[];
  errorCount: number;
  unpricedModels: string[];
}

export interface IngestInput {
  format: string;
  fileName: string | null;
  events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>;
  /** Identities the transport knows (telemetry user.email) per session id. */
  sessionEmails?: ReadonlyMap<string, string>;
}

export interface IngestProgress {
  calls: number;
  duplicates: number;
}

/**
 * A call's identity in the database: (team, source, key). Claude Code's transcripts and its
 * telemetry describe the same API requests (telemetry's request_id is the transcript's requestId),
 * so both are stored under source "claude-code" and keyed by request id when there is one: a team
 * that sends both never counts a request twice, and the copy with the larger (final) counts wins.
 * A transcript message without message.id cannot be matched to anything (FORMATS.md rule 4): each
 * of its lines is its own call, as in `trh analyze`. A native call is its session and its key
 * together (a tool numbering calls per session reuses keys across sessions); Codex keys already
 * carry their session.
 */
export function callIdentity(call: NormalizedCall): { source: TraceSource; key: string } {
  if (call.source === "otlp" && call.callKey.startsWith("req:")) return { source: "claude-code", key: call.callKey };
  if (call.source === "claude-code") {
    return { source: "claude-code", key: call.messageId !== null && call.requestId ? `req:${call.requestId}` : call.callKey };
  }
  if (call.source === "native") return { source: "native", key: nativeCallKey(call.sessionId, call.callKey) };
  return { source: call.source, key: call.callKey };
}

/**
 * `<length of sessionId>:<sessionId>:<callKey>`: the length makes the pair recoverable, so no two
 * (session, key) pairs share a stored key. Counted in code points, as Postgres' char_length does
 * in the migration that rewrote the keys stored before (call_identity_per_session).
 */
export function nativeCallKey(sessionId: string, callKey: string): string {
  return `${[...sessionId].length}:${sessionId}:${callKey}`;
}

interface PricedCall {
  call: NormalizedCall;
  source: TraceSource;
  key: string;
  costUsd: number;
  priced: boolean;
  rule: string;
  tier: string | null;
}

/** Raw token counts of a call, as parsed or as stored. */
type TokenCounts = Pick<NormalizedCall, "uncachedInput" | "cacheRead" | "cacheWrite5m" | "cacheWrite1h" | "output">;

/** A stored call as the writer compares, upgrades or retracts it. */
interface StoredCall extends TokenCounts {
  source: string;
  callKey: string;
  id: bigint;
  runId: string;
  timestamp: Date;
  model: string;
  messageId: string | null;
  total: number;
  costUsd: string;
}

/** What one chunk adds to a run on one day for one model (negative for replaced or retracted copies). */
interface Delta {
  runId: string;
  day: string;
  model: string;
  calls: number;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  cost: number;
}

/** A tool the model asked for; the source and key find its call, null when only its result is known. */
interface ToolUseRow {
  runId: string;
  toolUseId: string;
  source: string | null;
  callKey: string | null;
  name: string | null;
  inputBytes: number | null;
  summary: string | null;
  timestamp: Date;
}

/** A run as the writer needs it: its id, found by the session id of its calls. */
interface RunRow {
  id: string;
  externalId: string;
}

/** Postgres text and jsonb refuse NUL characters, which untrusted traces may contain. */
const pgText = <T extends string | null>(value: T): T => (value === null ? value : (value.replace(/\u0000/g, "\uFFFD") as T));

/** Raw queries give timestamps as Date on Postgres, but keep to what the driver hands back. */
const day = (date: Date | string) => new Date(date).toISOString().slice(0, 10);
/** Costs go to numeric(24,12) as text, so no binary rounding creeps into exact sums. */
const money = (value: number) => value.toFixed(12);

export class IngestWriter {
  private pending: PricedCall[] = [];
  private inFlight: Promise<void> | null = null;
  private pendingResults: ToolResultEvent[] = [];
  private readonly sessions = new Map<string, SessionEvent>();
  private readonly touchedRuns = new Set<string>();
  private readonly unpriced = new Set<string>();
  private readonly errors: IngestError[] = [];
  private errorCount = 0;
  private calls = 0;
  private duplicates = 0;
  private costUsd = 0;
  private lastHeartbeat = Date.now();

  private constructor(
    private readonly scope: Scope,
    readonly batchId: string,
    /** The file being read, named in its line errors; one writer may read many (trh import). */
    private fileName: string | null,
    private readonly overrides: PriceOverride[],
    private readonly attribution: AttributionContext,
    private readonly sender: Sender,
    private readonly sessionEmails: ReadonlyMap<string, string>,
    private readonly onProgress?: (progress: IngestProgress) => void,
  ) {}

  static async open(scope: Scope, input: Omit<IngestInput, "events">, onProgress?: (progress: IngestProgress) => void): Promise<IngestWriter> {
    const [batch, overrides, attribution, sender] = await Promise.all([
      db().ingestBatch.create({
        data: {
          teamId: scope.teamId,
          format: input.format,
          fileName: input.fileName,
          uploadedById: scope.actor.kind === "user" ? scope.actor.userId : null,
          apiKeyId: scope.actor.kind === "apiKey" ? scope.actor.apiKeyId : null,
        },
      }),
      db().priceOverride.findMany({ where: { teamId: scope.teamId } }),
      loadAttributionContext(db(), scope.teamId),
      senderOf(scope),
    ]);
    const priceOverrides = overrides.map((o) => ({
      id: o.id,
      model: o.model,
      effectiveFrom: o.effectiveFrom,
      inputPerM: Number(o.inputPerM),
      outputPerM: Number(o.outputPerM),
      cacheReadPerM: Number(o.cacheReadPerM),
      cacheWrite5mPerM: Number(o.cacheWrite5mPerM),
      cacheWrite1hPerM: Number(o.cacheWrite1hPerM),
    }));
    return new IngestWriter(scope, batch.id, input.fileName, priceOverrides, attribution, sender, input.sessionEmails ?? new Map(), onProgress);
  }

  /** Adds every event of one file (or request), validated (validate-events.ts); its line errors name `fileName`. */
  async addAll(events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>, fileName: string | null = this.fileName): Promise<void> {
    this.fileName = fileName;
    let lastYield = performance.now();
    for await (const event of validEvents(events)) {
      await this.add(event);
      if (Date.now() - this.lastHeartbeat >= HEARTBEAT_EVERY_MS) await this.heartbeat();
      // Parsing bytes already received never waits on I/O, so it would hold the event loop for
      // the whole upload: step aside every few milliseconds, so the chunk being written gets its
      // database answers and the server answers other requests (/api/health) meanwhile.
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  }

  /**
   * Renews the batch's lease (batch-status.ts) while a slow stream yields no chunk; a batch taken
   * for interrupted that turns out alive is RUNNING again.
   */
  private async heartbeat(): Promise<void> {
    this.lastHeartbeat = Date.now();
    await db().ingestBatch.updateMany({
      where: { teamId: this.scope.teamId, id: this.batchId, status: { in: ["RUNNING", "INTERRUPTED"] } },
      data: { heartbeatAt: new Date(), status: "RUNNING" },
    });
  }

  /**
   * Starts writing the pending chunk while the caller goes on parsing the next one. One chunk is
   * in flight at most; waiting for it also surfaces its failure.
   */
  private async flushInBackground(): Promise<void> {
    await this.inFlight;
    const writing = this.flush();
    this.inFlight = writing;
    writing.catch(() => {}); // observed when awaited above or in finish()
  }

  async add(event: TraceEvent): Promise<void> {
    switch (event.kind) {
      case "call": {
        const price = priceCall(event.call, this.overrides);
        if (!price.priced) this.unpriced.add(event.call.model);
        this.pending.push({ call: event.call, ...callIdentity(event.call), costUsd: price.costUsd, priced: price.priced, rule: price.rule, tier: price.tier });
        if (this.pending.length >= chunkCalls()) await this.flushInBackground();
        return;
      }
      case "toolResult":
        this.pendingResults.push(event);
        return;
      case "session":
        // Later events fill in what earlier ones lacked (Codex session_meta, the first prompt).
        this.sessions.set(event.sessionId, { ...this.sessions.get(event.sessionId), ...withoutNulls({ ...event, title: pgText(event.title) }) } as SessionEvent);
        return;
      case "error":
        this.errorCount += 1;
        if (this.errors.length < STORED_ERRORS) this.errors.push({ ...(this.fileName ? { file: pgText(this.fileName) } : {}), line: event.line, message: pgText(event.message).slice(0, 500) });
        return;
    }
  }

  /** Writes what is pending as one transaction. */
  private async flush(): Promise<void> {
    const { calls: chunk, merged } = latestCopies(this.pending);
    const results = this.pendingResults;
    this.pending = [];
    this.pendingResults = [];
    if (chunk.length === 0 && results.length === 0) return;
    await db().$transaction(
      async (tx) => {
        // One writer per team at a time: overlapping uploads then see each other's calls and
        // never both insert, or both count, the same call; nor both miss a /btw copy's original.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${this.scope.teamId}))`;
        const { kept, replays } = await this.withoutReplays(tx, chunk);
        const runs = await this.upsertRuns(tx, kept);
        // Attribution first, so this chunk's spend lands on the run's owner, project and task.
        await attributeRunsInTransaction(tx, this.scope.teamId, [...runs.values()].map((run) => run.id), this.attribution);
        const outcome = await this.writeCalls(tx, kept, replays, runs);
        await this.writeToolCalls(tx, outcome.toolUses, results, runs);
        const duplicates = outcome.duplicates + merged + replays.length;
        await tx.$executeRaw`
          UPDATE "IngestBatch" SET runs = ${this.touchedRuns.size}, calls = calls + ${outcome.calls},
            duplicates = duplicates + ${duplicates}, "costUsd" = "costUsd" + ${money(outcome.costUsd)}::numeric,
            "heartbeatAt" = now(), status = 'RUNNING'
          WHERE "teamId" = ${this.scope.teamId}::uuid AND id = ${this.batchId}::uuid`;
        this.calls += outcome.calls;
        this.duplicates += duplicates;
        this.costUsd += outcome.costUsd;
      },
      { timeout: 120_000, maxWait: 120_000 },
    );
    this.onProgress?.({ calls: this.calls, duplicates: this.duplicates });
  }

  /**
   * FORMATS.md Claude Code rule 3 across files, batches and paths: a sidechain call whose message
   * id the team holds as a main-thread call (stored, or in this chunk) is a /btw replay and is
   * dropped. A message id names one API response, so the rule holds within the session and
   * beyond it, as in `trh analyze`. The opposite order, the copy stored first, is retracted in
   * writeCalls.
   */
  private async withoutReplays(tx: Prisma.TransactionClient, chunk: PricedCall[]): Promise<{ kept: PricedCall[]; replays: PricedCall[] }> {
    const copyIds = new Set<string>();
    const mainIds = new Set<string>();
    for (const { call, source } of chunk) {
      if (source !== "claude-code" || call.messageId === null) continue;
      (call.isSidechain ? copyIds : mainIds).add(call.messageId);
    }
    if (copyIds.size === 0) return { kept: chunk, replays: [] };
    const unknown = [...copyIds].filter((id) => !mainIds.has(id));
    if (unknown.length > 0) {
      const stored = await tx.$queryRaw<{ messageId: string }[]>`
        SELECT DISTINCT "messageId" FROM "Call"
        WHERE "teamId" = ${this.scope.teamId}::uuid AND source = 'claude-code' AND NOT "isSidechain" AND "messageId" = ANY(${unknown}::text[])`;
      for (const row of stored) mainIds.add(row.messageId);
    }
    const kept: PricedCall[] = [];
    const replays: PricedCall[] = [];
    for (const priced of chunk) {
      const { call, source } = priced;
      const replay = source === "claude-code" && call.isSidechain && call.messageId !== null && mainIds.has(call.messageId);
      (replay ? replays : kept).push(priced);
    }
    return { kept, replays };
  }

  /** Flushes the rest, applies session details to runs that got no call here, and closes the batch. */
  async finish(): Promise<IngestResult> {
    await this.inFlight;
    await this.flush();
    await this.applySessionDetailsToExistingRuns();
    await attributePullRequestRuns(this.scope.teamId, [...this.touchedRuns]);
    await db().ingestBatch.update({
      where: { teamId_id: { teamId: this.scope.teamId, id: this.batchId } },
      data: { status: "COMPLETE", finishedAt: new Date(), errors: this.errors as unknown as Prisma.InputJsonValue, errorCount: this.errorCount, runs: this.touchedRuns.size },
    });
    await recomputeRunFindings(this.scope.teamId, [...this.touchedRuns]);
    if (this.costUsd > 0) await evaluateBudgetsAfterIngest(this.scope.teamId);
    await recomputeRunPackages(this.scope.teamId, [...this.touchedRuns]);
    return {
      batchId: this.batchId,
      runs: this.touchedRuns.size,
      runIds: [...this.touchedRuns],
      calls: this.calls,
      duplicates: this.duplicates,
      costUsd: this.costUsd,
      errors: this.errors,
      errorCount: this.errorCount,
      unpricedModels: [...this.unpriced].sort(),
    };
  }

  /** Marks the batch failed (the chunks already written stay: they are complete and idempotent). */
  async fail(error: unknown): Promise<void> {
    await this.inFlight?.catch(() => {});
    await db()
      .ingestBatch.update({
        where: { teamId_id: { teamId: this.scope.teamId, id: this.batchId } },
        data: { status: "FAILED", finishedAt: new Date(), errors: [...this.errors, { line: 0, message: String((error as Error)?.message ?? error) }] as unknown as Prisma.InputJsonValue, errorCount: this.errorCount + 1 },
      })
      .catch(() => {});
  }

  private async upsertRuns(tx: Prisma.TransactionClient, chunk: PricedCall[]): Promise<Map<string, RunRow>> {
    const bySession = new Map<string, { source: TraceSource; first: Date; last: Date; models: Set<string>; cwd: string | null; branch: string | null }>();
    for (const { call, source } of chunk) {
      const run = bySession.get(call.sessionId);
      if (!run) {
        bySession.set(call.sessionId, { source, first: call.timestamp, last: call.timestamp, models: new Set([call.model]), cwd: call.cwd, branch: call.gitBranch });
      } else {
        if (call.timestamp < run.first) run.first = call.timestamp;
        if (call.timestamp > run.last) run.last = call.timestamp;
        run.models.add(call.model);
        run.cwd ??= call.cwd;
        run.branch ??= call.gitBranch;
      }
    }
    if (bySession.size === 0) return new Map();
    const rows = [...bySession.entries()].map(([sessionId, run]) => {
      const details = this.sessions.get(sessionId);
      return {
        sessionId,
        source: run.source,
        first: details?.startedAt && details.startedAt < run.first ? details.startedAt : run.first,
        last: run.last,
        models: [...run.models].join("\u001f"),
        cwd: pgText(details?.cwd ?? run.cwd),
        branch: details?.gitBranch ?? run.branch,
        title: details?.title ?? null,
        repository: details?.repositoryUrl ?? null,
        commitSha: details?.commitSha ?? null,
        cliVersion: details?.cliVersion ?? null,
      };
    });
    const identityIds = await this.identitiesFor(tx, rows.map((row) => ({ sessionId: row.sessionId, cwd: row.cwd })));
    const runRows = rows.map((row) => ({ ...row, identity: identityIds.get(row.sessionId) ?? null }));
    const runs = await tx.$queryRaw<RunRow[]>`
      INSERT INTO "Run" ("teamId", source, "externalId", "startedAt", "endedAt", models, cwd, "gitBranch", title, repository, "commitSha", "cliVersion", "identityId", "apiKeyId")
      SELECT ${this.scope.teamId}::uuid, s.source, s."sessionId", s.first, s.last, string_to_array(s.models, chr(31)), s.cwd, s.branch, s.title, s.repository, s."commitSha", s."cliVersion", s.identity,
        ${this.scope.actor.kind === "apiKey" ? this.scope.actor.apiKeyId : null}::uuid
      FROM ${jsonRows(runRows, `s(source text, "sessionId" text, first timestamptz, last timestamptz, models text, cwd text, branch text, title text, repository text, "commitSha" text, "cliVersion" text, identity uuid)`)}
      ON CONFLICT ("teamId", source, "externalId") DO UPDATE SET
        "startedAt" = least("Run"."startedAt", excluded."startedAt"),
        "endedAt" = greatest("Run"."endedAt", excluded."endedAt"),
        models = ARRAY(SELECT DISTINCT m FROM unnest("Run".models || excluded.models) AS m ORDER BY m),
        cwd = coalesce("Run".cwd, excluded.cwd),
        "gitBranch" = coalesce("Run"."gitBranch", excluded."gitBranch"),
        title = coalesce("Run".title, excluded.title),
        repository = coalesce("Run".repository, excluded.repository),
        "commitSha" = coalesce("Run"."commitSha", excluded."commitSha"),
        "cliVersion" = coalesce("Run"."cliVersion", excluded."cliVersion"),
        "identityId" = coalesce("Run"."identityId", excluded."identityId"),
        "updatedAt" = now()
      RETURNING id::text, "externalId"`;
    const bySessionId = new Map<string, RunRow>();
    for (const run of runs) {
      bySessionId.set(run.externalId, run);
      this.touchedRuns.add(run.id);
    }
    return bySessionId;
  }

  private async identitiesFor(tx: Prisma.TransactionClient, sessions: { sessionId: string; cwd: string | null }[]): Promise<Map<string, string>> {
    const wanted = new Map<string, { kind: string; value: string }>();
    for (const { sessionId, cwd } of sessions) {
      wanted.set(sessionId, traceIdentity(this.sessionEmails.get(sessionId), cwd, this.sender));
    }
    const distinct = [...new Map([...wanted.values()].map((id) => [`${id.kind}\u0000${id.value}`, id])).values()];
    const rows = await tx.$queryRaw<{ id: string; kind: string; value: string }[]>`
      INSERT INTO "Identity" ("teamId", kind, value)
      SELECT ${this.scope.teamId}::uuid, t.kind, t.value FROM ${jsonRows(distinct, "t(kind text, value text)")}
      ON CONFLICT ("teamId", kind, value) DO UPDATE SET "lastSeenAt" = now()
      RETURNING id::text, kind, value`;
    const idOf = new Map(rows.map((row) => [`${row.kind}\u0000${row.value}`, row.id]));
    return new Map([...wanted.entries()].map(([sessionId, id]) => [sessionId, idOf.get(`${id.kind}\u0000${id.value}`)!]));
  }

  /**
   * Claude Code telemetry reports cache writes without the 5-minute / 1-hour split a transcript
   * has. When such a copy replaces one that had the split, the split is kept (and the call priced
   * again): 1-hour writes cost 2x input, 5-minute ones 1.25x.
   */
  private keepCacheSplit(priced: PricedCall, old: { cacheWrite1h: number }): PricedCall {
    const call = priced.call;
    if (call.cacheWrite1h > 0 || old.cacheWrite1h === 0) return priced;
    const cacheWrite1h = Math.min(old.cacheWrite1h, call.cacheWrite5m);
    const merged = { ...call, cacheWrite1h, cacheWrite5m: call.cacheWrite5m - cacheWrite1h };
    const price = priceCall(merged, this.overrides);
    return { ...priced, call: merged, costUsd: price.costUsd, priced: price.priced, rule: price.rule, tier: price.tier };
  }

  private async writeCalls(
    tx: Prisma.TransactionClient,
    chunk: PricedCall[],
    replays: PricedCall[],
    runs: Map<string, RunRow>,
  ): Promise<{ calls: number; duplicates: number; costUsd: number; toolUses: ToolUseRow[] }> {
    if (chunk.length === 0 && replays.length === 0) return { calls: 0, duplicates: 0, costUsd: 0, toolUses: [] };
    const existing = chunk.length === 0 ? [] : await tx.$queryRaw<StoredCall[]>`
      SELECT c.source, c."callKey", c.id, c."runId"::text AS "runId", c.timestamp, c.model, c."messageId",
        (c."uncachedInput" + c."cacheRead" + c."cacheWrite5m" + c."cacheWrite1h" + c.output)::float8 AS total,
        c."costUsd"::text AS "costUsd", c."uncachedInput", c."cacheRead", c."cacheWrite5m", c."cacheWrite1h", c.output
      FROM "Call" c JOIN ${jsonRows(chunk.map((c) => ({ source: c.source, key: c.key })), "k(source text, key text)")}
        ON c.source = k.source AND c."callKey" = k.key
      WHERE c."teamId" = ${this.scope.teamId}::uuid
      FOR UPDATE OF c`;
    const stored = new Map(existing.map((row) => [`${row.source}\u0000${row.callKey}`, row]));
    const inserts: PricedCall[] = [];
    const upgrades: { priced: PricedCall; old: StoredCall }[] = [];
    // Calls stored before message ids were kept: learn them now, so rule 3 can see them.
    const learned: { id: bigint; messageId: string; sidechain: boolean }[] = [];
    let duplicates = 0;
    for (const priced of chunk) {
      const old = stored.get(`${priced.source}\u0000${priced.key}`);
      if (!old) inserts.push(priced);
      else if (totalTokens(priced.call) > old.total) upgrades.push({ priced: this.keepCacheSplit(priced, old), old });
      else {
        duplicates += 1;
        if (old.messageId === null && priced.call.messageId !== null) learned.push({ id: old.id, messageId: priced.call.messageId, sidechain: priced.call.isSidechain });
      }
    }

    // Deltas per (run, day, model) feed run totals and both rollups.
    const deltas = new Map<string, Delta>();
    const addDelta = (runId: string, at: Date, model: string, tokens: TokenCounts, sign: 1 | -1, cost: number, calls: number) => {
      const key = `${runId}\u0000${day(at)}\u0000${model}`;
      let delta = deltas.get(key);
      if (!delta) {
        delta = { runId, day: day(at), model, calls: 0, input: 0, output: 0, cacheWrite: 0, cacheRead: 0, cost: 0 };
        deltas.set(key, delta);
      }
      delta.calls += calls;
      delta.input += sign * tokens.uncachedInput;
      delta.output += sign * tokens.output;
      delta.cacheWrite += sign * (tokens.cacheWrite5m + tokens.cacheWrite1h);
      delta.cacheRead += sign * tokens.cacheRead;
      delta.cost += sign * cost;
    };
    const runIdOf = (call: NormalizedCall) => runs.get(call.sessionId)!.id;

    let costUsd = 0;
    const toolUses: ToolUseRow[] = [];
    for (const priced of inserts) {
      addDelta(runIdOf(priced.call), priced.call.timestamp, priced.call.model, priced.call, 1, priced.costUsd, 1);
      costUsd += priced.costUsd;
    }
    for (const { priced, old } of upgrades) {
      // The more complete copy replaces the stored one where it is stored (its run), taking over
      // its time and model as `trh analyze` does: subtract the old copy where it was counted.
      addDelta(old.runId, old.timestamp, old.model, old, -1, Number(old.costUsd), 0);
      addDelta(old.runId, priced.call.timestamp, priced.call.model, priced.call, 1, priced.costUsd, 0);
      costUsd += priced.costUsd - Number(old.costUsd);
    }
    for (const priced of [...inserts, ...upgrades.map((u) => u.priced)]) {
      for (const use of priced.call.toolUses) {
        toolUses.push({
          runId: runIdOf(priced.call),
          callKey: priced.key,
          source: priced.source,
          toolUseId: use.id,
          name: use.name,
          inputBytes: use.inputBytes,
          summary: pgText(use.command ?? use.filePath),
          timestamp: priced.call.timestamp,
        });
      }
    }

    const written = [...inserts, ...upgrades.map((u) => u.priced)];
    if (written.length > 0) {
      const rows = written.map((p) => ({
        run: runIdOf(p.call), source: p.source, key: p.key, agent: p.call.agentId, sidechain: p.call.isSidechain, message: p.call.messageId, at: p.call.timestamp,
        model: p.call.model, input: p.call.uncachedInput, read: p.call.cacheRead, write5m: p.call.cacheWrite5m, write1h: p.call.cacheWrite1h,
        output: p.call.output, reasoning: p.call.reasoning, context: contextTokens(p.call), speed: p.call.speed, cost: money(p.costUsd),
        priced: p.priced, rule: p.rule, tier: p.tier, error: p.call.isApiError, request: p.call.requestId, stop: p.call.stopReason,
      }));
      await tx.$executeRaw`
        INSERT INTO "Call" ("teamId", "runId", source, "callKey", "agentId", "isSidechain", "messageId", timestamp, model, "uncachedInput", "cacheRead",
          "cacheWrite5m", "cacheWrite1h", output, reasoning, "contextTokens", speed, "costUsd", priced, "priceRule", "priceTier",
          "isApiError", "requestId", "stopReason", "batchId")
        SELECT ${this.scope.teamId}::uuid, t.*, ${this.batchId}::uuid FROM ${jsonRows(
          rows,
          `t(run uuid, source text, key text, agent text, sidechain boolean, message text, at timestamptz, model text, input int, read int, write5m int, write1h int,
            output int, reasoning int, context int, speed text, cost numeric, priced boolean, rule text, tier text, error boolean, request text, stop text)`,
        )}
        ON CONFLICT ("teamId", source, "callKey") DO UPDATE SET
          timestamp = excluded.timestamp, model = excluded.model, "messageId" = coalesce("Call"."messageId", excluded."messageId"),
          "uncachedInput" = excluded."uncachedInput", "cacheRead" = excluded."cacheRead", "cacheWrite5m" = excluded."cacheWrite5m",
          "cacheWrite1h" = excluded."cacheWrite1h", output = excluded.output, reasoning = excluded.reasoning,
          "contextTokens" = excluded."contextTokens", "costUsd" = excluded."costUsd", priced = excluded.priced,
          "priceRule" = excluded."priceRule", "priceTier" = excluded."priceTier", "stopReason" = excluded."stopReason",
          speed = excluded.speed, "batchId" = excluded."batchId"`;
    }
    if (learned.length > 0) {
      await tx.$executeRaw`
        UPDATE "Call" c SET "messageId" = l.message, "isSidechain" = l.sidechain
        FROM ${jsonRows(learned.map((l) => ({ id: String(l.id), message: l.messageId, sidechain: l.sidechain })), "l(id bigint, message text, sidechain boolean)")}
        WHERE c."teamId" = ${this.scope.teamId}::uuid AND c.id = l.id`;
    }

    const retracted = await this.retractReplays(tx, chunk, replays);
    for (const old of retracted) {
      addDelta(old.runId, old.timestamp, old.model, old, -1, Number(old.costUsd), -1);
      costUsd -= Number(old.costUsd);
      this.touchedRuns.add(old.runId);
    }
    await this.applyDeltas(tx, [...deltas.values()]);
    return { calls: written.length, duplicates: duplicates + retracted.length, costUsd, toolUses };
  }

  /**
   * The other order of FORMATS.md rule 3: /btw sidechain copies stored before their main-thread
   * message arrived leave the run (the caller subtracts them from the run and every rollup). Their
   * tool calls are the original message's too (same content, same tool use ids): they move to it.
   * Also removes stored copies of replays dropped in this chunk (kept before rule 3 held here, or
   * before message ids were stored). Runs after this chunk's calls and learned message ids are in.
   */
  private async retractReplays(tx: Prisma.TransactionClient, chunk: PricedCall[], replays: PricedCall[]): Promise<StoredCall[]> {
    const mainIds = [...new Set(chunk.flatMap(({ call, source }) => (source === "claude-code" && call.messageId !== null && !call.isSidechain ? [call.messageId] : [])))];
    const replayKeys = replays.map((p) => p.key);
    if (mainIds.length === 0 && replayKeys.length === 0) return [];
    const retracted = await tx.$queryRaw<StoredCall[]>`
      DELETE FROM "Call" c
      WHERE c."teamId" = ${this.scope.teamId}::uuid AND c.source = 'claude-code' AND c."isSidechain"
        AND (c."messageId" = ANY(${mainIds}::text[]) OR c."callKey" = ANY(${replayKeys}::text[]))
      RETURNING c.source, c."callKey", c.id, c."runId"::text AS "runId", c.timestamp, c.model, c."messageId",
        (c."uncachedInput" + c."cacheRead" + c."cacheWrite5m" + c."cacheWrite1h" + c.output)::float8 AS total,
        c."costUsd"::text AS "costUsd", c."uncachedInput", c."cacheRead", c."cacheWrite5m", c."cacheWrite1h", c.output`;
    if (retracted.length === 0) return [];
    const gone = jsonRows(retracted.map((row) => ({ id: String(row.id), message: row.messageId })), "g(id bigint, message text)");
    await tx.$executeRaw`
      UPDATE "ToolCall" t SET "callId" = m.id
      FROM ${gone} JOIN "Call" m ON m."teamId" = ${this.scope.teamId}::uuid AND m.source = 'claude-code' AND m."messageId" = g.message AND NOT m."isSidechain"
      WHERE t."teamId" = ${this.scope.teamId}::uuid AND t."callId" = g.id AND t."runId" = m."runId"`;
    // A copy in another run than its original asked for tools in no run's real history.
    await tx.$executeRaw`
      DELETE FROM "ToolCall" WHERE "teamId" = ${this.scope.teamId}::uuid AND "callId" = ANY(${retracted.map((row) => String(row.id))}::bigint[])`;
    return retracted;
  }

  /**
   * Tool calls in one statement: the uses the chunk's new calls asked for, joined with the results
   * that came back (usually in the same chunk). A result whose use is stored in another chunk
   * fills in that row; rows that would not change are not rewritten, so a re-import writes nothing.
   */
  private async writeToolCalls(tx: Prisma.TransactionClient, uses: ToolUseRow[], results: ToolResultEvent[], runs: Map<string, RunRow>) {
    if (uses.length === 0 && results.length === 0) return;
    const missingSessions = [...new Set(results.map((r) => r.sessionId).filter((id) => !runs.has(id)))];
    if (missingSessions.length > 0) {
      const known = await tx.$queryRaw<RunRow[]>`
        SELECT id::text, "externalId" FROM "Run"
        WHERE "teamId" = ${this.scope.teamId}::uuid AND "externalId" = ANY(${missingSessions}::text[])`;
      for (const run of known) runs.set(run.externalId, run);
    }
    const rows = new Map<string, ToolUseRow & { result: ToolResultEvent | null }>();
    for (const use of uses) rows.set(`${use.runId}\u0000${use.toolUseId}`, { ...use, result: null });
    for (const result of results) {
      const runId = runs.get(result.sessionId)?.id;
      if (!runId) continue; // a result whose run has no stored call yet: nothing to attach it to
      const key = `${runId}\u0000${result.toolUseId}`;
      const row = rows.get(key);
      if (row) row.result = result;
      else rows.set(key, { runId, toolUseId: result.toolUseId, callKey: null, source: null, name: null, inputBytes: null, summary: null, timestamp: result.timestamp ?? new Date(), result });
    }
    if (rows.size === 0) return;
    const all = [...rows.values()];
    const toolRows = all.map((r) => ({
      run: r.runId, source: r.source, key: r.callKey, tool: r.toolUseId, name: r.name, bytes: r.inputBytes, summary: r.summary, at: r.timestamp,
      out_bytes: r.result?.outputBytes ?? null, out_tokens: r.result?.outputTokensEstimate ?? null, hash: r.result?.outputHash ?? null,
      error: r.result?.isError ?? null, result_at: r.result?.timestamp ?? null,
    }));
    await tx.$executeRaw`
      INSERT INTO "ToolCall" ("teamId", "runId", "callId", "toolUseId", name, "inputBytes", summary, timestamp, "outputBytes", "outputTokens", "outputHash", "isError", "resultAt")
      SELECT ${this.scope.teamId}::uuid, u.run, c.id, u.tool, coalesce(u.name, ''), coalesce(u.bytes, 0), u.summary, u.at, u.out_bytes, u.out_tokens, u.hash, coalesce(u.error, false), u.result_at
      FROM ${jsonRows(toolRows, "u(run uuid, source text, key text, tool text, name text, bytes int, summary text, at timestamptz, out_bytes int, out_tokens int, hash text, error boolean, result_at timestamptz)")}
      LEFT JOIN "Call" c ON c."teamId" = ${this.scope.teamId}::uuid AND c.source = u.source AND c."callKey" = u.key
      ON CONFLICT ("teamId", "runId", "toolUseId") DO UPDATE SET
        "callId" = coalesce(excluded."callId", "ToolCall"."callId"),
        name = CASE WHEN excluded.name = '' THEN "ToolCall".name ELSE excluded.name END,
        "inputBytes" = CASE WHEN excluded.name = '' THEN "ToolCall"."inputBytes" ELSE excluded."inputBytes" END,
        summary = CASE WHEN excluded.name = '' THEN "ToolCall".summary ELSE excluded.summary END,
        timestamp = CASE WHEN excluded.name = '' THEN "ToolCall".timestamp ELSE excluded.timestamp END,
        "outputBytes" = coalesce(excluded."outputBytes", "ToolCall"."outputBytes"),
        "outputTokens" = coalesce(excluded."outputTokens", "ToolCall"."outputTokens"),
        "outputHash" = coalesce(excluded."outputHash", "ToolCall"."outputHash"),
        "isError" = CASE WHEN excluded."outputHash" IS NULL THEN "ToolCall"."isError" ELSE excluded."isError" END,
        "resultAt" = coalesce(excluded."resultAt", "ToolCall"."resultAt")
      WHERE (excluded.name <> '' AND (excluded.name, excluded."inputBytes", excluded.summary, excluded."callId") IS DISTINCT FROM ("ToolCall".name, "ToolCall"."inputBytes", "ToolCall".summary, "ToolCall"."callId"))
        OR (excluded."outputHash" IS NOT NULL AND (excluded."outputHash", excluded."isError", excluded."outputBytes") IS DISTINCT FROM ("ToolCall"."outputHash", "ToolCall"."isError", "ToolCall"."outputBytes"))`;
    const withResults = all.flatMap((row) => (row.result ? [{ runId: row.runId, result: row.result }] : []));
    await this.writeReferences(tx, withResults.flatMap(({ runId, result }) => result.references.map((ref) => ({ runId, ...ref, seenAt: result.timestamp ?? new Date() }))));
  }

  /**
   * Commits, pull requests and branches the run's tools produced; a run that produced one and has
   * no outcome yet becomes "proposed" (a GitHub webhook later accepts or rejects it).
   */
  private async writeReferences(tx: Prisma.TransactionClient, references: { runId: string; kind: string; value: string; seenAt: Date }[]) {
    if (references.length === 0) return;
    await tx.$executeRaw`
      INSERT INTO "RunReference" ("teamId", "runId", kind, value, "seenAt")
      SELECT ${this.scope.teamId}::uuid, r."runId", r.kind, r.value, r."seenAt"
      FROM ${jsonRows(references, `r("runId" uuid, kind text, value text, "seenAt" timestamptz)`)}
      ON CONFLICT DO NOTHING`;
    const proposing = [...new Map(references.filter((r) => r.kind !== "branch").map((r) => [r.runId, r])).values()];
    if (proposing.length === 0) return;
    await tx.$executeRaw`
      WITH proposed AS (
        UPDATE "Run" SET outcome = 'PROPOSED'
        WHERE "teamId" = ${this.scope.teamId}::uuid AND id = ANY(${proposing.map((r) => r.runId)}::uuid[]) AND outcome IS NULL
        RETURNING id)
      INSERT INTO "Outcome" ("teamId", "runId", status, source, evidence, "decidedAt")
      SELECT ${this.scope.teamId}::uuid, p.id, 'PROPOSED', 'tool-call', e.value, e."seenAt"
      FROM proposed p JOIN ${jsonRows(proposing, `e("runId" uuid, value text, "seenAt" timestamptz)`)} ON e."runId" = p.id`;
  }

  private async applyDeltas(tx: Prisma.TransactionClient, deltas: Delta[]) {
    if (deltas.length === 0) return;
    const deltaTable = jsonRows(
      deltas.map((d) => ({ run: d.runId, day: d.day, model: d.model, calls: d.calls, input: d.input, output: d.output, cache_write: d.cacheWrite, cache_read: d.cacheRead, cost: money(d.cost) })),
      "d(run uuid, day date, model text, calls int, input bigint, output bigint, cache_write bigint, cache_read bigint, cost numeric)",
    );
    await tx.$executeRaw`
      INSERT INTO "RunDaySpend" ("teamId", "runId", day, model, calls, "inputTokens", "outputTokens", "cacheWriteTokens", "cacheReadTokens", "costUsd")
      SELECT ${this.scope.teamId}::uuid, d.run, d.day, d.model, d.calls, d.input, d.output, d.cache_write, d.cache_read, d.cost FROM ${deltaTable}
      ON CONFLICT ("teamId", "runId", day, model) DO UPDATE SET
        calls = "RunDaySpend".calls + excluded.calls, "inputTokens" = "RunDaySpend"."inputTokens" + excluded."inputTokens",
        "outputTokens" = "RunDaySpend"."outputTokens" + excluded."outputTokens",
        "cacheWriteTokens" = "RunDaySpend"."cacheWriteTokens" + excluded."cacheWriteTokens",
        "cacheReadTokens" = "RunDaySpend"."cacheReadTokens" + excluded."cacheReadTokens", "costUsd" = "RunDaySpend"."costUsd" + excluded."costUsd"`;
    await tx.$executeRaw`
      UPDATE "Run" r SET calls = r.calls + s.calls, "inputTokens" = r."inputTokens" + s.input, "outputTokens" = r."outputTokens" + s.output,
        "cacheWriteTokens" = r."cacheWriteTokens" + s.cache_write, "cacheReadTokens" = r."cacheReadTokens" + s.cache_read, "costUsd" = r."costUsd" + s.cost
      FROM (SELECT d.run, sum(d.calls) AS calls, sum(d.input) AS input, sum(d.output) AS output, sum(d.cache_write) AS cache_write,
              sum(d.cache_read) AS cache_read, sum(d.cost) AS cost FROM ${deltaTable} GROUP BY d.run) s
      WHERE r."teamId" = ${this.scope.teamId}::uuid AND r.id = s.run`;
    await tx.$executeRaw(addToDailySpend(this.scope.teamId, deltaTable));
    if (deltas.some((d) => d.calls < 0)) {
      // Retracted replays can empty a rollup row; an empty row would still name its day and model.
      await tx.$executeRaw`
        DELETE FROM "RunDaySpend" s USING ${deltaTable}
        WHERE s."teamId" = ${this.scope.teamId}::uuid AND s."runId" = d.run AND s.day = d.day AND s.model = d.model AND s.calls = 0 AND s."costUsd" = 0`;
      await tx.$executeRaw`
        DELETE FROM "DailySpend" s USING ${deltaTable}
        WHERE s."teamId" = ${this.scope.teamId}::uuid AND s.day = d.day AND s.model = d.model AND s.calls = 0 AND s."costUsd" = 0`;
    }
  }

  /** Session details (title, repository...) for runs that already existed, in one statement. */
  private async applySessionDetailsToExistingRuns() {
    const sessions = [...this.sessions.values()];
    if (sessions.length === 0) return;
    await db().$executeRaw`
      UPDATE "Run" r SET title = coalesce(r.title, s.title), cwd = coalesce(r.cwd, s.cwd), "gitBranch" = coalesce(r."gitBranch", s."gitBranch"),
        repository = coalesce(r.repository, s."repositoryUrl"), "commitSha" = coalesce(r."commitSha", s."commitSha"), "cliVersion" = coalesce(r."cliVersion", s."cliVersion")
      FROM ${jsonRows(sessions, `s("sessionId" text, title text, cwd text, "gitBranch" text, "repositoryUrl" text, "commitSha" text, "cliVersion" text)`)}
      WHERE r."teamId" = ${this.scope.teamId}::uuid AND r."externalId" = s."sessionId"
        AND (r.title IS NULL OR r.cwd IS NULL OR r."gitBranch" IS NULL OR r.repository IS NULL OR r."commitSha" IS NULL OR r."cliVersion" IS NULL)`;
  }

}

/**
 * Within one chunk the same call may come twice (two files, a resent line): keep the most complete
 * copy; `merged` counts the others, which are duplicates like any copy already stored.
 */
function latestCopies(calls: PricedCall[]): { calls: PricedCall[]; merged: number } {
  const best = new Map<string, PricedCall>();
  for (const priced of calls) {
    const key = `${priced.source}\u0000${priced.key}`;
    const seen = best.get(key);
    if (!seen || totalTokens(priced.call) > totalTokens(seen.call)) best.set(key, priced);
  }
  return { calls: [...best.values()], merged: calls.length - best.size };
}

function withoutNulls<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** Runs a whole event stream through a writer: the common path of every ingest entry point. */
export async function ingestEvents(scope: Scope, input: IngestInput, onProgress?: (progress: IngestProgress) => void): Promise<IngestResult> {
  const writer = await IngestWriter.open(scope, input, onProgress);
  try {
    await writer.addAll(input.events);
    return await writer.finish();
  } catch (error) {
    await writer.fail(error);
    throw error;
  }
}
