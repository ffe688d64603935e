/**
 * Group commit for streamed telemetry: OTLP export requests of one sender that arrive while an
 * earlier one is being written wait, then go to the database together as one batch (one writer:
 * one transaction per chunk, one after-commit pass over the runs they touched). Many exporters
 * streaming small bodies at once (a team's OpenTelemetry collector) would otherwise each pay a
 * batch, a transaction behind the team's write lock and a findings recompute of their run for a
 * handful of events. A request alone is written at once: grouping adds no delay, it only gathers
 * what queued up meanwhile. Each request is answered after its group commits, with its own records'
 * errors; if the group's write fails, every request in it fails (exporters retry, and writing is
 * idempotent).
 */
import type { Scope } from "@/lib/auth/scope";
import type { TraceEvent } from "./normalized-call";
import { type IngestError, type IngestResult, IngestWriter } from "./writer";

/** Requests gathered into one group at most, so one group's write stays a few chunks long. */
const MAX_GROUP_REQUESTS = 64;
/** How long a short queue waits for the last group's senders: far below one group's write. */
const LINGER_MS = 50;

export interface GroupedRequest {
  format: string;
  events: TraceEvent[];
  sessionEmails: ReadonlyMap<string, string>;
}

/** What one request of a group learns: its own errors, and the group's batch. */
export interface GroupedResult {
  batchId: string;
  /** Requests written together with this one (1: alone). */
  groupSize: number;
  errors: IngestError[];
  errorCount: number;
}

interface Waiting {
  request: GroupedRequest;
  resolve: (result: GroupedResult) => void;
  reject: (error: unknown) => void;
}

/** Requests waiting per sender (team and credential: a batch has one sender). */
interface SenderQueue {
  waiting: Waiting[];
  /** Set while the queue lingers for the last group's senders: called once as many wait again. */
  whole?: { size: number; wake: () => void };
}
const queues = new Map<string, SenderQueue>();

function senderKey(scope: Scope): string {
  const actor = scope.actor;
  const who = actor.kind === "apiKey" ? actor.apiKeyId : actor.kind === "user" ? actor.userId : actor.kind;
  return `${scope.teamId}:${actor.kind}:${who}`;
}

/** Writes the request's events, together with whatever else of its sender's queues up meanwhile. */
export function ingestGrouped(scope: Scope, request: GroupedRequest): Promise<GroupedResult> {
  const key = senderKey(scope);
  return new Promise<GroupedResult>((resolve, reject) => {
    const queue = queues.get(key);
    if (queue) {
      queue.waiting.push({ request, resolve, reject });
      if (queue.whole && queue.waiting.length >= queue.whole.size) queue.whole.wake();
      return;
    }
    queues.set(key, { waiting: [{ request, resolve, reject }] });
    void drain(scope, key);
  });
}

/** Resolves when `size` requests wait, or after LINGER_MS. */
function lingerFor(queue: SenderQueue, size: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => queue.whole?.wake(), LINGER_MS);
    queue.whole = {
      size,
      wake: () => {
        clearTimeout(timer);
        queue.whole = undefined;
        resolve();
      },
    };
  });
}

/**
 * Writes groups while requests wait; the queue is removed when it stays empty for LINGER_MS after
 * a group (removed at once, the group's senders' next requests started a new queue whose first
 * group held one of them, and the others the next: bench:otlp's 16 exporters went in groups of 16
 * and 1 by turns, or 12 and 4: 155-197 bodies/s; kept whole, 279).
 */
async function drain(scope: Scope, key: string): Promise<void> {
  const queue = queues.get(key)!;
  let expected = 0;
  for (;;) {
    // Senders whose requests were in the last group send their next one as soon as they are
    // answered: when fewer than they and the ones that queued meanwhile are waiting (none, when
    // they all were in it), wait a moment for them, so the groups stay whole instead of splitting
    // in two that alternate for good.
    if (queue.waiting.length < expected) await lingerFor(queue, expected);
    if (queue.waiting.length === 0) break;
    const group = queue.waiting.splice(0, MAX_GROUP_REQUESTS);
    try {
      const results = await writeGroup(scope, group);
      for (const [index, entry] of group.entries()) entry.resolve(results[index]!);
    } catch (error) {
      for (const entry of group) entry.reject(error);
    }
    expected = Math.min(MAX_GROUP_REQUESTS, group.length + queue.waiting.length);
  }
  queues.delete(key);
}
async function writeGroup(scope: Scope, group: Waiting[]): Promise<GroupedResult[]> {
  const sessionEmails = new Map<string, string>();
  for (const { request } of group)
    for (const [session, email] of request.sessionEmails) sessionEmails.set(session, email);
  const formats = new Set(group.map(({ request }) => request.format));
  const format = formats.size === 1 ? [...formats][0]! : "otlp";
  // A server path (the OTLP receiver): the findings are queued, not awaited (after-commit-queue.ts).
  const writer = await IngestWriter.open(scope, { format, fileName: null, sessionEmails, afterCommit: "queue" });
  // Each request's records are numbered from 1 in their own request; its errors are told apart by
  // the name they are read under, which is also what the batch history shows for them.
  const label = (index: number) => (group.length === 1 ? null : `request ${index + 1} of ${group.length}`);
  const refused: number[] = [];
  let result: IngestResult;
  try {
    for (const [index, { request }] of group.entries()) {
      const before = writer.refusedSoFar;
      await writer.addAll(request.events, label(index));
      refused.push(writer.refusedSoFar - before);
    }
    result = await writer.finish();
  } catch (error) {
    await writer.fail(error);
    throw error;
  }
  return group.map((_, index) => ({
    batchId: result.batchId,
    groupSize: group.length,
    errors: result.errors
      .filter((error) => (error.file ?? null) === label(index))
      .map(({ line, message }) => ({ line, message })),
    errorCount: refused[index]!,
  }));
}
