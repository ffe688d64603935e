/**
 * OTLP/HTTP export requests (Claude Code telemetry, GenAI spans) into the writer. An export
 * request is small and whole, so it is read into memory (within OTLP_MAX_BYTES) and parsed at once.
 */
import type { Scope } from "@/lib/auth/scope";
import { refuseDeclaredOversize } from "@/lib/http/read-body";
import { type Arrival, type GroupedRequest, type GroupedResult, ingestGrouped } from "./group-commit";
import { type OtlpParseResult, parseOtlpLogs, parseOtlpTraces } from "./parsers/otlp";
import { decodedBytes, IngestInputError } from "./trace-body";
import { idProblem } from "./validate-events";
import { type IngestResult, ingestEvents } from "./writer";

/** RFC 5321's limit on an address. */
const MAX_EMAIL_CHARS = 254;

/** Exporters batch far below this; anything larger is not an export request. */
const OTLP_MAX_BYTES = 64 * 1024 * 1024;

export type OtlpSignal = "traces" | "logs";

async function readWhole(bytes: AsyncIterable<Buffer>): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of bytes) {
    size += chunk.byteLength;
    if (size > OTLP_MAX_BYTES)
      throw new IngestInputError(`an OTLP request may be at most ${OTLP_MAX_BYTES} bytes`, 413);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Which signal an OTLP JSON body carries, for `POST /api/v1/ingest?format=otlp-json`. */
function jsonSignal(body: Uint8Array): OtlpSignal {
  const head = Buffer.from(body.subarray(0, 4096)).toString("utf8");
  if (head.includes('"resourceLogs"')) return "logs";
  if (head.includes('"resourceSpans"')) return "traces";
  throw new IngestInputError("an otlp-json body must be an OTLP export request with resourceSpans or resourceLogs");
}

/** An export request's events and the emails its sessions were sent with. */
function otlpInput(body: Uint8Array, kind: OtlpSignal, contentType: string): GroupedRequest {
  const parsed: OtlpParseResult =
    kind === "logs" ? parseOtlpLogs(body, contentType) : parseOtlpTraces(body, contentType);
  const sessionEmails = new Map<string, string>();
  for (const [sessionId, identity] of parsed.identities) {
    // The email becomes an identity key: one that no mailbox can have (too long, NUL, broken Unicode) is ignored.
    if (identity.email && identity.email.length <= MAX_EMAIL_CHARS && idProblem(identity.email) === null)
      sessionEmails.set(sessionId, identity.email);
  }
  return { format: `otlp-${kind}`, events: parsed.events, sessionEmails };
}

/**
 * An OTLP receiver request (`/api/otlp/v1/traces|logs`), JSON or protobuf by its content type,
 * written together with the same sender's requests that queue up meanwhile (group-commit.ts);
 * `arrival`: the receiver announced it as it arrived.
 */
export async function ingestOtlpRequest(
  scope: Scope,
  request: Request,
  signal: OtlpSignal,
  arrival?: Arrival,
): Promise<GroupedResult> {
  refuseDeclaredOversize(request, OTLP_MAX_BYTES);
  const gzip = (request.headers.get("content-encoding") ?? "").toLowerCase().includes("gzip");
  const body = await readWhole(decodedBytes({ bytes: request.body as unknown as AsyncIterable<Uint8Array>, gzip }));
  return ingestGrouped(
    scope,
    otlpInput(body, signal, request.headers.get("content-type") ?? "application/json"),
    arrival,
  );
}

/** An OTLP/JSON export request sent as a file to `POST /api/v1/ingest` (decoded bytes); traces or logs by its content. */
export async function ingestOtlpJsonFile(
  scope: Scope,
  bytes: AsyncIterable<Buffer>,
  fileName: string,
  afterCommit: "await" | "queue" = "await",
): Promise<IngestResult> {
  const body = await readWhole(bytes);
  return ingestEvents(scope, { ...otlpInput(body, jsonSignal(body), "application/json"), fileName, afterCommit });
}
