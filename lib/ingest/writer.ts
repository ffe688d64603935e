/**
 * The one writer every way in ends in (upload, `trh import`, `trh push`, the ingest API, OTLP):
 * normalized events -> priced calls -> runs -> calls, tool calls, run totals and rollups, written
 * in chunks, each chunk one transaction, so the database never holds half a chunk and a crash
 * loses at most the chunk in flight. Re-running the same input completes it exactly: every call
 * has an identity per source, and a call already stored is replaced only by a more complete copy
 * of itself (a streamed response's later line), with the rollups moved by the difference.
 */
import type { Scope } from "@/lib/auth/scope";
import { evaluateBudgetsAfterIngest } from "@/lib/budgets/evaluate";
import { dayOf } from "@/lib/days";
import { type BulkConnection, bulkTransaction } from "@/lib/db/bulk";
import { db } from "@/lib/db/client";
import { databaseKind } from "@/lib/db/config";
import { ensureMonthPartitions } from "@/lib/db/partitions";
import { HEARTBEAT_EVERY_MS } from "@/lib/db/stale-work";
import { table } from "@/lib/db/tables";
import { lockTeamWrites } from "@/lib/db/team-lock";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { replayPendingPullRequests } from "@/lib/outcomes/pending-pull-requests";
import { proposeOutcomesIn } from "@/lib/outcomes/record-outcome";
import type { AttributionContext } from "@/lib/ownership/attribution";
import {
  type AttributionContextJson,
  attributePullRequestRuns,
  attributeRunsInTransaction,
  attributionContextOf,
  attributionContextSql,
} from "@/lib/ownership/reattribute";
import { loadPriceOverrides } from "@/lib/pricing/overrides";
import { type PriceOverride, priceCall } from "@/lib/pricing/price-book";
import { retentionCutoff } from "@/lib/retention/raw-calls";
import { applySpendDeltas, type SpendDelta } from "@/lib/rollups/spend";
import {
  type CallRow,
  deleteSidechainCopies,
  type LearnedMessageId,
  learnMessageIds,
  lockStoredCalls,
  type StoredCall,
  storedMainThreadMessageIds,
  upsertCalls,
} from "@/lib/store/calls";
import { upsertIdentities } from "@/lib/store/identities";
import { addChunkTotals, completeBatch, failBatch, openBatch, renewLease } from "@/lib/store/ingest-batches";
import { insertRunReferences, type RunReferenceRow } from "@/lib/store/run-references";
import { type RunTagInput, upsertRunTags } from "@/lib/store/run-tags";
import { fillSessionDetails, type RunInput, runsOfSessions, type SessionDetails, upsertRuns } from "@/lib/store/runs";
import { moveToolCallsOfRetractedCopies, type ToolCallInput, upsertToolCalls } from "@/lib/store/tool-calls";
import { recomputeRunFindings } from "@/lib/waste/recompute";
import { queueAfterCommit } from "./after-commit-queue";
import { keyCreatorRoleSql, type Sender, senderOf, traceIdentity } from "./identities";
import {
  contextTokens,
  type NormalizedCall,
  type SessionEvent,
  type ToolResultEvent,
  type TraceEvent,
  type TraceSource,
  totalTokens,
} from "./normalized-call";
import { cleanTags } from "./run-tags";
import { validEvents } from "./validate-events";

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
  /**
   * "await" (the default): finish() returns once the after-commit work is done, what `trh import`
   * and the tests need. "queue": finish() returns once the batch has committed, the work queued per
   * team (after-commit-queue.ts): what the server's ingest requests do.
   */
  afterCommit?: "await" | "queue";
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
 * A transcript message without message.id cannot be matched to anything (docs/FORMATS.md rule 4): each
 * of its lines is its own call, as in `trh analyze`. A native call is its session and its key
 * together (a tool numbering calls per session reuses keys across sessions); Codex keys already
 * carry their session.
 */
export function callIdentity(call: NormalizedCall): { source: TraceSource; key: string } {
  if (call.source === "otlp" && call.callKey.startsWith("req:")) return { source: "claude-code", key: call.callKey };
  if (call.source === "claude-code") {
    return {
      source: "claude-code",
      key: call.messageId !== null && call.requestId ? `req:${call.requestId}` : call.callKey,
    };
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

/** A call with its identity, as parsed; priced when its chunk is written. */
interface IdentifiedCall {
  call: NormalizedCall;
  source: TraceSource;
  key: string;
}

interface PricedCall extends IdentifiedCall {
  costUsd: number;
  priced: boolean;
  rule: string;
  tier: string | null;
}

/** Raw token counts of a call, as parsed or as stored. */
type TokenCounts = Pick<NormalizedCall, "uncachedInput" | "cacheRead" | "cacheWrite5m" | "cacheWrite1h" | "output">;

const storedTotal = (stored: StoredCall) =>
  stored.uncachedInput + stored.cacheRead + stored.cacheWrite5m + stored.cacheWrite1h + stored.output;

/**
 * Work that runs once a batch has committed (COMPLETE), with the runs it touched: the findings
 * recompute, the budgets' evaluation, the context packages, and whatever else must follow an
 * ingest without holding its transactions. Each runs in its own transactions; a failure is the
 * batch's failure to report, never a rollback of what was stored.
 */
export type AfterCommit = (batch: CommittedBatch) => Promise<void>;

export interface CommittedBatch {
  teamId: string;
  batchId: string;
  /** The runs the batch touched. */
  runIds: string[];
  /** Those whose calls or tool results it wrote: the only ones whose findings can have changed. */
  changedRunIds: string[];
  costUsd: number;
}

/** The after-commit work of every batch, in order. */
export const afterCommit: AfterCommit[] = [
  // Pull request decisions that arrived before these runs did, then the findings (which read
  // outcomes), cost anatomies and context packages, from one read of each run's calls.
  // Incremental: only the runs whose calls or tool results this batch wrote (a file sent again
  // changes nothing) and those just decided, once per batch however many files it read.
  async ({ teamId, runIds, changedRunIds }) => {
    const decided = await replayPendingPullRequests(teamId, runIds);
    await recomputeRunFindings(teamId, [...new Set([...changedRunIds, ...decided])]);
  },
  // Budgets can only be crossed by a batch that added cost.
  ({ teamId, costUsd }) => (costUsd > 0 ? evaluateBudgetsAfterIngest(teamId) : Promise.resolve()),
];

async function runAfterCommit(batch: CommittedBatch): Promise<void> {
  for (const work of afterCommit) await work(batch);
}

const team = table("Team", "team");

/**
 * What a batch reads of the team's settings as it opens, in one statement (seven before, each
 * paying Prisma's compile and, on the embedded database, a turn on its one connection): the
 * attribution context, how long raw calls are kept, and for an API key the role of who made it.
 * Read fresh for every batch, so a change of any of them on any server process reaches the next.
 */
async function writerSettings(
  scope: Scope,
): Promise<{ attribution: AttributionContextJson; retentionDays: number | null; keyCreatorRole: Role | null }> {
  const keyCreatorRole =
    scope.actor.kind === "apiKey" ? keyCreatorRoleSql(scope.teamId, scope.actor.apiKeyId) : Prisma.sql`NULL::text`;
  const [row] = await db().$queryRaw<
    { attribution: AttributionContextJson; retentionDays: number | null; keyCreatorRole: Role | null }[]
  >`SELECT ${attributionContextSql(scope.teamId)} AS attribution,
      (SELECT ${team.rawCallRetentionDays} FROM ${team.$} WHERE ${team.id} = ${scope.teamId}::uuid) AS "retentionDays",
      ${keyCreatorRole} AS "keyCreatorRole"`;
  return row!;
}

/** Postgres text and jsonb refuse NUL characters, which untrusted traces may contain. */
const pgText = <T extends string | null>(value: T): T =>
  value === null ? value : (value.replace(/\u0000/g, "\uFFFD") as T);

/** Costs go to numeric(24,12) as text, so no binary rounding creeps into exact sums. */
const money = (value: number) => value.toFixed(12);

/**
 * One batch: events in, chunks out. It prices and groups calls, decides per chunk what is new,
 * an upgrade, a duplicate or a /btw replay, and hands rows to the modules that own their SQL
 * (lib/store/*, lib/rollups/spend.ts, lib/outcomes/record-outcome.ts, lib/ownership's
 * attribution); the after-commit work (findings, budgets, context packages) runs once the batch
 * is complete.
 */
export class IngestWriter {
  private pending: IdentifiedCall[] = [];
  /**
   * The team's price overrides, read again by every chunk under the team's write lock: a chunk is
   * priced with the prices in force when it commits, and a re-pricing job (lib/pricing/reprice.ts),
   * which takes the same lock, sees every call priced before its change.
   */
  private overrides: PriceOverride[] = [];
  private inFlight: Promise<void> | null = null;
  private pendingResults: ToolResultEvent[] = [];
  private readonly sessions = new Map<string, SessionEvent>();
  private readonly touchedRuns = new Set<string>();
  /** Runs whose calls or tool results this batch wrote: the only ones whose findings can have changed. */
  private readonly changedRuns = new Set<string>();
  private readonly unpriced = new Set<string>();
  private readonly errors: IngestError[] = [];
  private errorCount = 0;
  private calls = 0;
  private duplicates = 0;
  /** Calls from before the team's raw-call retention since the last chunk (retention/raw-calls.ts). */
  private expired = 0;
  private costUsd = 0;
  private lastHeartbeat = Date.now();

  private constructor(
    private readonly scope: Scope,
    readonly batchId: string,
    /** The file being read, named in its line errors; one writer may read many (trh import). */
    private fileName: string | null,
    private readonly attribution: AttributionContext,
    private readonly sender: Sender,
    private readonly sessionEmails: ReadonlyMap<string, string>,
    /** The team keeps no raw calls from before this instant; null: it keeps them all. */
    private readonly retainedFrom: Date | null,
    private readonly onProgress?: (progress: IngestProgress) => void,
    private readonly afterCommitMode: "await" | "queue" = "await",
  ) {}

  static async open(
    scope: Scope,
    input: Omit<IngestInput, "events">,
    onProgress?: (progress: IngestProgress) => void,
  ): Promise<IngestWriter> {
    const [batchId, settings] = await Promise.all([
      openBatch(scope, input.format, input.fileName),
      writerSettings(scope),
    ]);
    return new IngestWriter(
      scope,
      batchId,
      input.fileName,
      attributionContextOf(settings.attribution),
      senderOf(scope, settings.keyCreatorRole),
      input.sessionEmails ?? new Map(),
      settings.retentionDays === null ? null : retentionCutoff(settings.retentionDays),
      onProgress,
      input.afterCommit,
    );
  }

  /** Adds every event of one file (or request), validated (validate-events.ts); its line errors name `fileName`. */
  async addAll(
    events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>,
    fileName: string | null = this.fileName,
  ): Promise<void> {
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

  /** Records refused so far (a grouped request's own count is the difference across its addAll). */
  get refusedSoFar(): number {
    return this.errorCount;
  }

  /** Renews the batch's lease (batch-status.ts) while a slow stream yields no chunk. */
  private async heartbeat(): Promise<void> {
    this.lastHeartbeat = Date.now();
    await renewLease(this.scope.teamId, this.batchId);
  }

  /**
   * Starts writing the pending chunk while the caller goes on parsing the next one. One chunk is
   * in flight at most (the bounded queue between parsing and writing); waiting for it also
   * surfaces its failure.
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
        // Its day is final and its raw rows are gone or going: nothing can tell it from a call
        // already counted, so it counts as one.
        if (this.retainedFrom !== null && event.call.timestamp < this.retainedFrom) {
          this.expired += 1;
          return;
        }
        this.pending.push({ call: event.call, ...callIdentity(event.call) });
        if (this.pending.length >= chunkCalls()) await this.flushInBackground();
        return;
      }
      case "toolResult":
        // Past the limit its use is gone or not stored: nothing to attach it to.
        if (this.retainedFrom !== null && event.timestamp !== null && event.timestamp < this.retainedFrom) return;
        this.pendingResults.push(event);
        return;
      case "session": {
        // Later events fill in what earlier ones lacked (Codex session_meta, the first prompt); tags add up.
        const known = this.sessions.get(event.sessionId);
        this.sessions.set(event.sessionId, {
          ...known,
          ...withoutNulls({ ...event, title: pgText(event.title) }),
          tags: cleanTags({ ...known?.tags, ...event.tags }),
        } as SessionEvent);
        return;
      }
      case "error":
        this.errorCount += 1;
        if (this.errors.length < STORED_ERRORS)
          this.errors.push({
            ...(this.fileName ? { file: pgText(this.fileName) } : {}),
            line: event.line,
            message: pgText(event.message).slice(0, 500),
          });
        return;
    }
  }

  /** Writes what is pending as one transaction. */
  private async flush(): Promise<void> {
    const { calls: copies, merged } = latestCopies(this.pending);
    const results = this.pendingResults;
    const expired = this.expired;
    this.pending = [];
    this.pendingResults = [];
    this.expired = 0;
    if (copies.length === 0 && results.length === 0 && expired === 0) return;
    const teamId = this.scope.teamId;
    await bulkTransaction(
      async (_tx, bulk) => {
        await lockTeamWrites(bulk, teamId);
        // Every month this chunk can write a call or tool call in has its partitions before the
        // first row is written (a result without a time is stored at the current time).
        await ensureMonthPartitions(bulk, [
          ...copies.map((copy) => copy.call.timestamp),
          ...results.map((result) => result.timestamp ?? new Date()),
        ]);
        // Priced under the lock, with the overrides in force now: a price changed during a long
        // upload reaches its later chunks, and a re-pricing job (which takes the same lock) sees them.
        this.overrides = await loadPriceOverrides(bulk, teamId);
        const chunk = copies.map((copy) => this.priced(copy));
        const { kept, replays } = await this.withoutReplays(bulk, chunk);
        const runs = await this.upsertRuns(bulk, kept);
        // Attribution first, so this chunk's spend lands on the run's owner, project and task.
        await attributeRunsInTransaction(bulk, teamId, [...runs.values()], this.attribution);
        const outcome = await this.writeCalls(bulk, kept, replays, runs);
        await this.writeToolCalls(bulk, outcome.toolUses, results, runs);
        const duplicates = outcome.duplicates + merged + replays.length + expired;
        await addChunkTotals(bulk, teamId, this.batchId, {
          runs: this.touchedRuns.size,
          calls: outcome.calls,
          duplicates,
          costUsd: money(outcome.costUsd),
        });
        this.calls += outcome.calls;
        this.duplicates += duplicates;
        this.costUsd += outcome.costUsd;
      },
      { timeout: 120_000, maxWait: 120_000 },
    );
    this.onProgress?.({ calls: this.calls, duplicates: this.duplicates });
  }

  private priced(copy: IdentifiedCall): PricedCall {
    const price = priceCall(copy.call, this.overrides);
    if (!price.priced) this.unpriced.add(copy.call.model);
    return { ...copy, costUsd: price.costUsd, priced: price.priced, rule: price.rule, tier: price.tier };
  }

  /**
   * docs/FORMATS.md Claude Code rule 3 across files, batches and paths: a sidechain call whose message
   * id the team holds as a main-thread call (stored, or in this chunk) is a /btw replay and is
   * dropped. A message id names one API response, so the rule holds within the session and
   * beyond it, as in `trh analyze`. The opposite order, the copy stored first, is retracted in
   * writeCalls.
   */
  private async withoutReplays(
    bulk: BulkConnection,
    chunk: PricedCall[],
  ): Promise<{ kept: PricedCall[]; replays: PricedCall[] }> {
    const copyIds = new Set<string>();
    const mainIds = new Set<string>();
    for (const { call, source } of chunk) {
      if (source !== "claude-code" || call.messageId === null) continue;
      (call.isSidechain ? copyIds : mainIds).add(call.messageId);
    }
    if (copyIds.size === 0) return { kept: chunk, replays: [] };
    const unknown = [...copyIds].filter((id) => !mainIds.has(id));
    for (const id of await storedMainThreadMessageIds(bulk, this.scope.teamId, unknown)) mainIds.add(id);
    const kept: PricedCall[] = [];
    const replays: PricedCall[] = [];
    for (const priced of chunk) {
      const { call, source } = priced;
      const replay =
        source === "claude-code" && call.isSidechain && call.messageId !== null && mainIds.has(call.messageId);
      (replay ? replays : kept).push(priced);
    }
    return { kept, replays };
  }

  /**
   * Flushes the rest, then in one transaction under the team's lock applies session details to
   * runs that got no call here, stores the sessions' tags, names the task of runs that opened a
   * pull request (attributePullRequestRuns) and closes the batch; then runs the after-commit work
   * (afterCommit) for the runs it touched.
   */
  async finish(): Promise<IngestResult> {
    await this.inFlight;
    await this.flush();
    const teamId = this.scope.teamId;
    const sessions = [...this.sessions.values()];
    await bulkTransaction(
      async (_tx, bulk) => {
        await lockTeamWrites(bulk, teamId);
        await fillSessionDetails(bulk, teamId, sessions.map(sessionDetails));
        await upsertRunTags(bulk, teamId, sessions.flatMap(sessionTags));
        await attributePullRequestRuns(bulk, teamId, [...this.touchedRuns], this.attribution);
        await completeBatch(bulk, teamId, this.batchId, {
          runs: this.touchedRuns.size,
          errors: this.errors,
          errorCount: this.errorCount,
          afterCommitPending: this.afterCommitMode === "queue",
        });
      },
      { timeout: 120_000, maxWait: 120_000 },
    );
    const committed: CommittedBatch = {
      teamId: this.scope.teamId,
      batchId: this.batchId,
      runIds: [...this.touchedRuns],
      changedRunIds: [...this.changedRuns],
      costUsd: this.costUsd,
    };
    if (this.afterCommitMode === "queue") queueAfterCommit(committed, runAfterCommit, (error) => this.fail(error));
    else await runAfterCommit(committed);
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
    await failBatch(
      this.scope.teamId,
      this.batchId,
      [...this.errors, { line: 0, message: String((error as Error)?.message ?? error) }],
      this.errorCount + 1,
    ).catch(() => {});
  }

  /** The chunk's runs, created or widened; their ids by session id. */
  private async upsertRuns(bulk: BulkConnection, chunk: PricedCall[]): Promise<Map<string, string>> {
    const bySession = new Map<
      string,
      { source: TraceSource; first: Date; last: Date; models: Set<string>; cwd: string | null; branch: string | null }
    >();
    for (const { call, source } of chunk) {
      const run = bySession.get(call.sessionId);
      if (!run) {
        bySession.set(call.sessionId, {
          source,
          first: call.timestamp,
          last: call.timestamp,
          models: new Set([call.model]),
          cwd: call.cwd,
          branch: call.gitBranch,
        });
      } else {
        if (call.timestamp < run.first) run.first = call.timestamp;
        if (call.timestamp > run.last) run.last = call.timestamp;
        run.models.add(call.model);
        run.cwd ??= call.cwd;
        run.branch ??= call.gitBranch;
      }
    }
    if (bySession.size === 0) return new Map();
    const rows: RunInput[] = [...bySession.entries()].map(([sessionId, run]) => {
      const details = this.sessions.get(sessionId);
      return {
        source: run.source,
        externalId: sessionId,
        startedAt: details?.startedAt && details.startedAt < run.first ? details.startedAt : run.first,
        endedAt: run.last,
        models: [...run.models].join("\u001f"),
        cwd: pgText(details?.cwd ?? run.cwd),
        gitBranch: details?.gitBranch ?? run.branch,
        title: details?.title ?? null,
        repository: details?.repositoryUrl ?? null,
        commitSha: details?.commitSha ?? null,
        cliVersion: details?.cliVersion ?? null,
        identityId: null,
      };
    });
    const identityIds = await this.identitiesFor(bulk, rows);
    for (const row of rows) row.identityId = identityIds.get(row.externalId) ?? null;
    const stored = await upsertRuns(
      bulk,
      this.scope.teamId,
      this.scope.actor.kind === "apiKey" ? this.scope.actor.apiKeyId : null,
      rows,
    );
    const bySessionId = new Map<string, string>();
    for (const run of stored) {
      bySessionId.set(run.externalId, run.id);
      this.touchedRuns.add(run.id);
    }
    return bySessionId;
  }

  /** Who each run's trace says did the work (lib/ingest/identities.ts), stored; ids by session id. */
  private async identitiesFor(bulk: BulkConnection, runs: RunInput[]): Promise<Map<string, string>> {
    const wanted = new Map<string, { kind: string; value: string }>();
    for (const { externalId, cwd } of runs)
      wanted.set(externalId, traceIdentity(this.sessionEmails.get(externalId), cwd, this.sender));
    const distinct = [...new Map([...wanted.values()].map((id) => [`${id.kind}\u0000${id.value}`, id])).values()];
    const stored = await upsertIdentities(bulk, this.scope.teamId, distinct);
    const idOf = new Map(stored.map((row) => [`${row.kind}\u0000${row.value}`, row.id]));
    return new Map(
      [...wanted.entries()].map(([sessionId, id]) => [sessionId, idOf.get(`${id.kind}\u0000${id.value}`)!]),
    );
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
    return {
      ...priced,
      call: merged,
      costUsd: price.costUsd,
      priced: price.priced,
      rule: price.rule,
      tier: price.tier,
    };
  }

  private async writeCalls(
    bulk: BulkConnection,
    chunk: PricedCall[],
    replays: PricedCall[],
    runs: Map<string, string>,
  ): Promise<{ calls: number; duplicates: number; costUsd: number; toolUses: ToolCallInput[] }> {
    if (chunk.length === 0 && replays.length === 0) return { calls: 0, duplicates: 0, costUsd: 0, toolUses: [] };
    const teamId = this.scope.teamId;
    const existing = await lockStoredCalls(
      bulk,
      teamId,
      chunk.map((c) => ({ source: c.source, callKey: c.key })),
    );
    const stored = new Map(existing.map((row) => [`${row.source}\u0000${row.callKey}`, row]));
    const inserts: PricedCall[] = [];
    const upgrades: { priced: PricedCall; old: StoredCall }[] = [];
    // Calls stored before message ids were kept: learn them now, so rule 3 can see them.
    const learned: LearnedMessageId[] = [];
    let duplicates = 0;
    for (const priced of chunk) {
      const old = stored.get(`${priced.source}\u0000${priced.key}`);
      if (!old) inserts.push(priced);
      else if (totalTokens(priced.call) > storedTotal(old))
        upgrades.push({ priced: this.keepCacheSplit(priced, old), old });
      else {
        duplicates += 1;
        if (old.messageId === null && priced.call.messageId !== null)
          learned.push({ id: old.id, messageId: priced.call.messageId, isSidechain: priced.call.isSidechain });
      }
    }

    const deltas = new SpendDeltas();
    const runIdOf = (call: NormalizedCall) => runs.get(call.sessionId)!;
    let costUsd = 0;
    for (const priced of inserts) {
      deltas.add(runIdOf(priced.call), priced.call.timestamp, priced.call.model, priced.call, 1, priced.costUsd, 1);
      costUsd += priced.costUsd;
    }
    for (const { priced, old } of upgrades) {
      // The more complete copy replaces the stored one where it is stored (its run), taking over
      // its time and model as `trh analyze` does: subtract the old copy where it was counted.
      deltas.add(old.runId, old.timestamp, old.model, old, -1, Number(old.costUsd), 0);
      deltas.add(old.runId, priced.call.timestamp, priced.call.model, priced.call, 1, priced.costUsd, 0);
      costUsd += priced.costUsd - Number(old.costUsd);
    }
    const written = [...inserts, ...upgrades.map((u) => u.priced)];
    for (const priced of inserts) this.changedRuns.add(runIdOf(priced.call));
    for (const { old } of upgrades) this.changedRuns.add(old.runId);
    const toolUses: ToolCallInput[] = written.flatMap((priced) =>
      priced.call.toolUses.map((use) => ({
        runId: runIdOf(priced.call),
        callSource: priced.source,
        callKey: priced.key,
        toolUseId: use.id,
        name: use.name,
        inputBytes: use.inputBytes,
        summary: pgText(use.command ?? use.filePath),
        timestamp: priced.call.timestamp,
        outputBytes: null,
        outputTokens: null,
        outputHash: null,
        outputText: null,
        isError: null,
        resultAt: null,
      })),
    );
    await upsertCalls(
      bulk,
      teamId,
      this.batchId,
      written.map((priced) => callRow(priced, runIdOf(priced.call))),
    );
    await learnMessageIds(bulk, teamId, learned);

    const retracted = await this.retractReplays(bulk, chunk, replays);
    for (const old of retracted) {
      deltas.add(old.runId, old.timestamp, old.model, old, -1, Number(old.costUsd), -1);
      costUsd -= Number(old.costUsd);
      this.touchedRuns.add(old.runId);
      this.changedRuns.add(old.runId);
    }
    await applySpendDeltas(bulk, teamId, deltas.rows());
    return { calls: written.length, duplicates: duplicates + retracted.length, costUsd, toolUses };
  }

  /**
   * The other order of docs/FORMATS.md rule 3: /btw sidechain copies stored before their main-thread
   * message arrived leave the run (the caller subtracts them from the run and every rollup), their
   * tool calls moving to the original. Also removes stored copies of replays dropped in this chunk
   * (kept before rule 3 held here, or before message ids were stored). Runs after this chunk's
   * calls and learned message ids are in.
   */
  private async retractReplays(
    bulk: BulkConnection,
    chunk: PricedCall[],
    replays: PricedCall[],
  ): Promise<StoredCall[]> {
    const mainIds = [
      ...new Set(
        chunk.flatMap(({ call, source }) =>
          source === "claude-code" && call.messageId !== null && !call.isSidechain ? [call.messageId] : [],
        ),
      ),
    ];
    const retracted = await deleteSidechainCopies(
      bulk,
      this.scope.teamId,
      mainIds,
      replays.map((p) => p.key),
    );
    await moveToolCallsOfRetractedCopies(
      bulk,
      this.scope.teamId,
      retracted.map((row) => ({ id: row.id, messageId: row.messageId })),
    );
    return retracted;
  }

  /**
   * Tool calls in one statement: the uses the chunk's new calls asked for, joined with the results
   * that came back (usually in the same chunk; a result whose use is stored fills in that row).
   */
  private async writeToolCalls(
    bulk: BulkConnection,
    uses: ToolCallInput[],
    results: ToolResultEvent[],
    runs: Map<string, string>,
  ) {
    if (uses.length === 0 && results.length === 0) return;
    const missingSessions = [...new Set(results.map((r) => r.sessionId).filter((id) => !runs.has(id)))];
    for (const run of await runsOfSessions(bulk, this.scope.teamId, missingSessions)) runs.set(run.externalId, run.id);
    const rows = new Map<string, ToolCallInput>();
    for (const use of uses) rows.set(`${use.runId}\u0000${use.toolUseId}`, use);
    const resultOf = new Map<string, ToolResultEvent>();
    for (const result of results) {
      const runId = runs.get(result.sessionId);
      if (!runId) continue; // a result whose run has no stored call yet: nothing to attach it to
      const key = `${runId}\u0000${result.toolUseId}`;
      const row = rows.get(key) ?? {
        runId,
        callSource: null,
        callKey: null,
        toolUseId: result.toolUseId,
        name: null,
        inputBytes: null,
        summary: null,
        timestamp: result.timestamp ?? new Date(),
        outputBytes: null,
        outputTokens: null,
        outputHash: null,
        outputText: null,
        isError: null,
        resultAt: null,
      };
      rows.set(key, {
        ...row,
        outputBytes: result.outputBytes,
        outputTokens: result.outputTokensEstimate,
        outputHash: result.outputHash,
        outputText: result.outputText,
        isError: result.isError,
        resultAt: result.timestamp,
      });
      resultOf.set(key, result);
    }
    const references: RunReferenceRow[] = [...rows.entries()].flatMap(([key, row]) =>
      (resultOf.get(key)?.references ?? []).map((ref) => ({
        runId: row.runId,
        kind: ref.kind,
        value: ref.value,
        seenAt: resultOf.get(key)!.timestamp ?? new Date(),
      })),
    );
    // A result the same as the stored one (a file sent again) writes nothing and changes no finding.
    for (const runId of await upsertToolCalls(bulk, this.scope.teamId, [...rows.values()])) this.changedRuns.add(runId);
    // Commits, pull requests and branches the run's tools produced; a commit or a pull request
    // proposes the run's outcome (lib/outcomes).
    await insertRunReferences(bulk, this.scope.teamId, references);
    await proposeOutcomesIn(
      bulk,
      this.scope.teamId,
      references
        .filter((r) => r.kind !== "branch")
        .map((r) => ({ runId: r.runId, evidence: r.value, decidedAt: r.seenAt })),
    );
  }
}

/** Deltas per (run, day, model), the rows lib/rollups/spend.ts adds to run totals and both rollups. */
class SpendDeltas {
  private readonly byKey = new Map<
    string,
    {
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
  >();

  add(runId: string, at: Date, model: string, tokens: TokenCounts, sign: 1 | -1, cost: number, calls: number): void {
    const key = `${runId}\u0000${dayOf(at)}\u0000${model}`;
    let delta = this.byKey.get(key);
    if (!delta) {
      delta = { runId, day: dayOf(at), model, calls: 0, input: 0, output: 0, cacheWrite: 0, cacheRead: 0, cost: 0 };
      this.byKey.set(key, delta);
    }
    delta.calls += calls;
    delta.input += sign * tokens.uncachedInput;
    delta.output += sign * tokens.output;
    delta.cacheWrite += sign * (tokens.cacheWrite5m + tokens.cacheWrite1h);
    delta.cacheRead += sign * tokens.cacheRead;
    delta.cost += sign * cost;
  }

  rows(): SpendDelta[] {
    return [...this.byKey.values()].map((d) => ({
      runId: d.runId,
      day: d.day,
      model: d.model,
      calls: d.calls,
      inputTokens: String(d.input),
      outputTokens: String(d.output),
      cacheWriteTokens: String(d.cacheWrite),
      cacheReadTokens: String(d.cacheRead),
      costUsd: money(d.cost),
    }));
  }
}

function callRow(p: PricedCall, runId: string): CallRow {
  return {
    runId,
    source: p.source,
    callKey: p.key,
    agentId: p.call.agentId,
    isSidechain: p.call.isSidechain,
    messageId: p.call.messageId,
    timestamp: p.call.timestamp,
    model: p.call.model,
    uncachedInput: p.call.uncachedInput,
    cacheRead: p.call.cacheRead,
    cacheWrite5m: p.call.cacheWrite5m,
    cacheWrite1h: p.call.cacheWrite1h,
    output: p.call.output,
    reasoning: p.call.reasoning,
    contextTokens: contextTokens(p.call),
    speed: p.call.speed,
    costUsd: money(p.costUsd),
    priced: p.priced,
    priceRule: p.rule,
    priceTier: p.tier,
    isApiError: p.call.isApiError,
    requestId: p.call.requestId,
    stopReason: p.call.stopReason,
  };
}

function sessionTags(session: SessionEvent): RunTagInput[] {
  return Object.entries(session.tags ?? {}).map(([key, value]) => ({ externalId: session.sessionId, key, value }));
}

function sessionDetails(session: SessionEvent): SessionDetails {
  return {
    externalId: session.sessionId,
    title: session.title ?? null,
    cwd: session.cwd ?? null,
    gitBranch: session.gitBranch ?? null,
    repository: session.repositoryUrl ?? null,
    commitSha: session.commitSha ?? null,
    cliVersion: session.cliVersion ?? null,
  };
}

/**
 * Within one chunk the same call may come twice (two files, a resent line): keep the most complete
 * copy; `merged` counts the others, which are duplicates like any copy already stored.
 */
function latestCopies(calls: IdentifiedCall[]): { calls: IdentifiedCall[]; merged: number } {
  const best = new Map<string, IdentifiedCall>();
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
export async function ingestEvents(
  scope: Scope,
  input: IngestInput,
  onProgress?: (progress: IngestProgress) => void,
): Promise<IngestResult> {
  const writer = await IngestWriter.open(scope, input, onProgress);
  try {
    await writer.addAll(input.events);
    return await writer.finish();
  } catch (error) {
    await writer.fail(error);
    throw error;
  }
}
