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
 *
 * A request is queued only once its key is looked up and its body read and parsed. On the embedded
 * database (PGlite: one connection) the key lookups of the requests that came in during a write wait
 * behind that write's statements and the after-commit pass's, so when a group was taken none of
 * them was queued yet and every request went alone (bench:otlp: 481 batches for 480 bodies; also
 * because PGlite held the event loop for a whole write, lib/db/client.ts). So the receiver announces
 * each request as it arrives (`announceArrival`), and a group is taken once the requests received
 * by then are queued or refused.
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

/** How long a group waits at most for received requests' keys to be looked up (one statement each). */
const IDENTIFY_MS = 1000;

/**
 * A request the receiver is reading (its key looked up, its body read and parsed) that will then
 * be queued here. Its sender is not known before its key is, so groups of every sender wait for it.
 */
export interface Arrival {
  /** Resolves when its key is looked up (or it is queued or refused). */
  readonly identified: Promise<void>;
  /** Resolves when it is queued or refused. */
  readonly settled: Promise<void>;
  /** Its key is looked up: what is left is reading and parsing its body. */
  identify(): void;
  /** Queued or refused; again: nothing. */
  end(): void;
}
const arrivals = new Set<Arrival>();

/** Called by the receiver as a request arrives; `end` it when the request fails before it is queued. */
export function announceArrival(): Arrival {
  let identify = () => {};
  let settle = () => {};
  const arrival: Arrival = {
    identified: new Promise<void>((resolve) => {
      identify = resolve;
    }),
    settled: new Promise<void>((resolve) => {
      settle = resolve;
    }),
    identify,
    end() {
      arrivals.delete(arrival);
      identify();
      settle();
    },
  };
  arrivals.add(arrival);
  for (const queue of queues.values()) wakeIfWhole(queue);
  return arrival;
}

function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]).then(() =>
    clearTimeout(timer),
  );
}

/**
 * Lets the event loop turn once (the requests whose bytes came in meanwhile start being read), then
 * waits for the requests received by then: their key lookups wait on the database, as this
 * group's write would, for up to IDENTIFY_MS; their bodies are read and parsed for up to LINGER_MS,
 * so that a sender trickling a body in holds groups back by no more.
 */
async function arrivalsQueued(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  const received = [...arrivals];
  if (received.length === 0) return;
  await within(Promise.all(received.map((arrival) => arrival.identified)), IDENTIFY_MS);
  await within(Promise.all(received.map((arrival) => arrival.settled)), LINGER_MS);
}

interface Waiting {
  request: GroupedRequest;
  resolve: (result: GroupedResult) => void;
  reject: (error: unknown) => void;
}

/** Requests waiting per sender (team and credential: a batch has one sender). */
interface SenderQueue {
  waiting: Waiting[];
  /** Set while the queue lingers for the last group's senders: called once as many are back. */
  whole?: { size: number; wake: () => void };
}
const queues = new Map<string, SenderQueue>();

function senderKey(scope: Scope): string {
  const actor = scope.actor;
  const who = actor.kind === "apiKey" ? actor.apiKeyId : actor.kind === "user" ? actor.userId : actor.kind;
  return `${scope.teamId}:${actor.kind}:${who}`;
}

/**
 * Writes the request's events, together with whatever else of its sender's queues up meanwhile;
 * `arrival`, the receiver's announcement of this request, ends as it is queued.
 */
export function ingestGrouped(scope: Scope, request: GroupedRequest, arrival?: Arrival): Promise<GroupedResult> {
  const key = senderKey(scope);
  return new Promise<GroupedResult>((resolve, reject) => {
    arrival?.end();
    const queue = queues.get(key);
    if (queue) {
      queue.waiting.push({ request, resolve, reject });
      wakeIfWhole(queue);
      return;
    }
    queues.set(key, { waiting: [{ request, resolve, reject }] });
    void drain(scope, key);
  });
}

/**
 * Wakes a lingering queue once as many requests as it waits for are queued or being received (its
 * group waits for the latter in arrivalsQueued).
 */
function wakeIfWhole(queue: SenderQueue): void {
  if (queue.whole && queue.waiting.length + arrivals.size >= queue.whole.size) queue.whole.wake();
}

/** Resolves when `size` requests wait or are being received, or after LINGER_MS. */
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
    wakeIfWhole(queue);
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
    if (queue.waiting.length + arrivals.size < expected) await lingerFor(queue, expected);
    await arrivalsQueued();
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
