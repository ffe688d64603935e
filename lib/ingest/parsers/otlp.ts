/**
 * OpenTelemetry OTLP/HTTP export requests (docs/FORMATS.md, "OpenTelemetry GenAI (OTLP)") to trace
 * events: GenAI inference spans from ExportTraceServiceRequest, and Claude Code's
 * `claude_code.api_request` events from ExportLogsServiceRequest. Bodies are JSON or protobuf;
 * protobuf is decoded with the OpenTelemetry project's own generated code, then read by the same
 * mapper as JSON, so both encodings give identical events.
 *
 * OTLP has no lines: the `line` of an error event is the 1-based position of the record (span or
 * log record) in the request, and its message says where the record sits.
 */
// The OpenTelemetry project's protobufjs code generated from opentelemetry-proto. The package
// stopped shipping it after 0.214 (its newer serializer only encodes), hence the pinned version.
import otlpRoot from "@opentelemetry/otlp-transformer/build/src/generated/root.js";
import { badRequest, HttpError } from "@/lib/http/errors";
import type { NormalizedCall, SessionEvent, TraceEvent } from "../normalized-call";
import { isResourceTag } from "../run-tags";
import { isRecord } from "./lines";

/** Who was behind a session, as the telemetry says. */
export interface OtlpIdentity {
  email?: string;
  /** The resource attributes (OTEL_RESOURCE_ATTRIBUTES: team, cost centre, ...) and the record's identity attributes. */
  attributes: Record<string, string>;
}

export interface OtlpParseResult {
  /** Per session: a session event first, then its calls; error events for unusable records. */
  events: TraceEvent[];
  identities: Map<string, OtlpIdentity>;
}

/** gen_ai.operation.name values of a billable model call; invoke_agent and execute_tool are not. */
const INFERENCE_OPERATIONS = new Set([
  "chat",
  "generate_content",
  "text_completion",
  "embeddings",
  "completion",
  "responses",
]);
const CLAUDE_CODE_API_REQUEST = "claude_code.api_request";
/** Record attributes that name a person or place rather than describe the call. */
const IDENTITY_ATTRIBUTE = /^(user\.|organization\.|terminal\.type$|app\.version$)/;
/** SpanStatus.code STATUS_CODE_ERROR. */
const SPAN_STATUS_ERROR = 2;

type Attributes = Map<string, unknown>;

/** What protobufjs generates per message; encode and fromObject are how clients (and tests) build bodies. */
export interface ProtobufMessageType {
  decode(body: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
  fromObject(object: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}

interface ProtobufRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: ProtobufMessageType } };
        logs: { v1: { ExportLogsServiceRequest: ProtobufMessageType } };
      };
    };
  };
}

/** The generated module is typed only as a protobufjs Root; these are the two messages read here. */
export const otlpProtobuf = (otlpRoot as unknown as ProtobufRoot).opentelemetry.proto.collector;

/** Parses an OTLP/HTTP traces request. Throws HttpError (400/415) only when the body as a whole cannot be read. */
export function parseOtlpTraces(body: Uint8Array, contentType: string): OtlpParseResult {
  const request = decodeBody(body, contentType, otlpProtobuf.trace.v1.ExportTraceServiceRequest);
  const collector = new Collector();
  let position = 0;
  forEachResource(request.resourceSpans, "resourceSpans", (resource, resourcePath) => {
    forEachScope(resource.scopeSpans, `${resourcePath}.scopeSpans`, (scope, scopePath) => {
      list(scope.spans).forEach((span, spanIndex) => {
        position += 1;
        const where = `${scopePath}.spans[${spanIndex}]`;
        collector.add(
          position,
          where,
          resource.attributes,
          resource.problem ??
            (isRecord(span) ? readRecord(() => spanCall(span, resource.attributes)) : "span is not an object"),
        );
      });
    });
  });
  return collector.result();
}

/** Parses an OTLP/HTTP logs request. Throws HttpError (400/415) only when the body as a whole cannot be read. */
export function parseOtlpLogs(body: Uint8Array, contentType: string): OtlpParseResult {
  const request = decodeBody(body, contentType, otlpProtobuf.logs.v1.ExportLogsServiceRequest);
  const collector = new Collector();
  let position = 0;
  forEachResource(request.resourceLogs, "resourceLogs", (resource, resourcePath) => {
    forEachScope(resource.scopeLogs, `${resourcePath}.scopeLogs`, (scope, scopePath) => {
      list(scope.logRecords).forEach((record, recordIndex) => {
        position += 1;
        const where = `${scopePath}.logRecords[${recordIndex}]`;
        collector.add(
          position,
          where,
          resource.attributes,
          resource.problem ??
            (isRecord(record) ? readRecord(() => logCall(record, resource.attributes)) : "log record is not an object"),
        );
      });
    });
  });
  return collector.result();
}

type Mapped = { call: NormalizedCall; attributes: Attributes } | string | null;

/** Gathers calls, sessions and identities in request order. */
class Collector {
  private readonly events: TraceEvent[] = [];
  private readonly sessions = new Map<string, SessionEvent>();
  private readonly identities = new Map<string, OtlpIdentity>();

  /** `mapped`: a call, the reason a record is unusable, or null for a record that is not a model call. */
  add(position: number, where: string, resourceAttributes: Attributes, mapped: Mapped): void {
    if (mapped === null) return;
    if (typeof mapped === "string") {
      this.events.push({ kind: "error", line: position, message: `${where}: ${mapped}` });
      return;
    }
    const { call, attributes } = mapped;
    this.noteSession(call, resourceAttributes);
    this.noteIdentity(call.sessionId, resourceAttributes, attributes);
    this.events.push({ kind: "call", line: position, call });
  }

  result(): OtlpParseResult {
    return { events: this.events, identities: this.identities };
  }

  /** A session event per session, its tags every resource attribute of its records' resources (lib/ingest/run-tags.ts). */
  private noteSession(call: NormalizedCall, resourceAttributes: Attributes): void {
    const known = this.sessions.get(call.sessionId);
    if (known) {
      if (known.startedAt === null || call.timestamp < known.startedAt) known.startedAt = call.timestamp;
      known.tags = { ...known.tags, ...resourceTags(resourceAttributes) };
      return;
    }
    const session: SessionEvent = {
      kind: "session",
      sessionId: call.sessionId,
      source: "otlp",
      cwd: null,
      gitBranch: null,
      repositoryUrl: null,
      commitSha: null,
      title: null,
      cliVersion: call.version,
      startedAt: call.timestamp,
      tags: resourceTags(resourceAttributes),
    };
    this.sessions.set(call.sessionId, session);
    this.events.push(session);
  }

  private noteIdentity(sessionId: string, resourceAttributes: Attributes, recordAttributes: Attributes): void {
    const identity = this.identities.get(sessionId) ?? { attributes: {} };
    for (const [key, value] of resourceAttributes) {
      const text = scalarText(value);
      if (text !== null) identity.attributes[key] = text;
    }
    for (const [key, value] of recordAttributes) {
      const text = scalarText(value);
      if (text !== null && IDENTITY_ATTRIBUTE.test(key)) identity.attributes[key] = text;
    }
    const email = identity.attributes["user.email"];
    if (email) identity.email = email;
    this.identities.set(sessionId, identity);
  }
}

function resourceTags(attributes: Attributes): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of attributes) {
    const text = scalarText(value);
    if (text !== null && isResourceTag(key)) tags[key] = text;
  }
  return tags;
}

/** A GenAI inference span as a call; null for other spans (agents, tools, HTTP, ...). */
function spanCall(span: Record<string, unknown>, resourceAttributes: Attributes): Mapped {
  const attributes = attributeMap(span.attributes);
  const operation = stringValue(attributes.get("gen_ai.operation.name"));
  const input = count(attributes, "gen_ai.usage.input_tokens") ?? count(attributes, "gen_ai.usage.prompt_tokens");
  const output = count(attributes, "gen_ai.usage.output_tokens") ?? count(attributes, "gen_ai.usage.completion_tokens");
  const isInference = operation !== null ? INFERENCE_OPERATIONS.has(operation) : input !== null || output !== null;
  if (!isInference) return null;

  const model =
    stringValue(attributes.get("gen_ai.response.model")) ?? stringValue(attributes.get("gen_ai.request.model"));
  if (model === null) return "inference span names no gen_ai.request.model or gen_ai.response.model";
  if (input === null && output === null) return "inference span carries no gen_ai.usage token counts";
  const timestamp = nanosToDate(span.endTimeUnixNano) ?? nanosToDate(span.startTimeUnixNano);
  if (timestamp === null) return "span has no endTimeUnixNano";
  const spanId = hexId(span.spanId);
  const responseId = stringValue(attributes.get("gen_ai.response.id"));
  if (responseId === null && spanId === null) return "span has neither gen_ai.response.id nor spanId";
  const sessionId =
    stringValue(attributes.get("gen_ai.conversation.id")) ??
    stringValue(attributes.get("session.id")) ??
    stringValue(resourceAttributes.get("session.id")) ??
    hexId(span.traceId);
  if (sessionId === null) return "span has no gen_ai.conversation.id, session.id or traceId";

  const cacheRead = count(attributes, "gen_ai.usage.cache_read.input_tokens") ?? 0;
  const cacheWrite = count(attributes, "gen_ai.usage.cache_creation.input_tokens") ?? 0;
  const outputTokens = output ?? 0;
  const finishReasons = attributes.get("gen_ai.response.finish_reasons");
  const status = isRecord(span.status) ? integer(span.status.code) : null;
  return {
    attributes,
    call: {
      ...emptyCall(),
      callKey: responseId ?? `span:${spanId}`,
      messageId: responseId,
      sessionId,
      timestamp,
      model,
      // GenAI input_tokens INCLUDES cache reads and writes; the normalized record excludes them.
      // (Some instrumentations report less input than cache: never below 0. A count that is no
      // count at all is passed on for validation to refuse.)
      uncachedInput:
        input !== null && !(Number.isSafeInteger(input) && input >= 0)
          ? input
          : Math.max(0, (input ?? 0) - cacheRead - cacheWrite),
      cacheRead,
      cacheWrite5m: cacheWrite,
      output: outputTokens,
      reasoning: Math.min(outputTokens, count(attributes, "gen_ai.usage.reasoning.output_tokens") ?? 0),
      isApiError: status === SPAN_STATUS_ERROR,
      version: stringValue(resourceAttributes.get("service.version")),
      stopReason: Array.isArray(finishReasons) ? stringValue(finishReasons[0]) : stringValue(finishReasons),
    },
  };
}

/** A Claude Code `claude_code.api_request` event as a call; null for other log records. */
function logCall(record: Record<string, unknown>, resourceAttributes: Attributes): Mapped {
  const attributes = attributeMap(record.attributes);
  const eventName =
    stringValue(attributes.get("event.name")) ?? stringValue(record.eventName) ?? stringValue(anyValue(record.body, 0));
  if (eventName !== CLAUDE_CODE_API_REQUEST && eventName !== "api_request") return null;

  const model = stringValue(attributes.get("model"));
  if (model === null) return "api_request event has no model";
  const requestId = stringValue(attributes.get("request_id"));
  if (requestId === null) return "api_request event has no request_id";
  const sessionId = stringValue(attributes.get("session.id")) ?? stringValue(resourceAttributes.get("session.id"));
  if (sessionId === null) return "api_request event has no session.id";
  const eventTime = stringValue(attributes.get("event.timestamp"));
  const timestamp =
    (eventTime !== null ? validDate(new Date(eventTime)) : null) ??
    nanosToDate(record.timeUnixNano) ??
    nanosToDate(record.observedTimeUnixNano);
  if (timestamp === null) return "api_request event has no event.timestamp or timeUnixNano";

  return {
    attributes,
    call: {
      ...emptyCall(),
      // Telemetry lacks the message id that transcripts key on; the writer matches the two by requestId.
      callKey: `req:${requestId}`,
      requestId,
      sessionId,
      timestamp,
      model,
      // Claude Code's input_tokens already EXCLUDES cache reads and writes.
      uncachedInput: count(attributes, "input_tokens") ?? 0,
      cacheRead: count(attributes, "cache_read_tokens") ?? 0,
      cacheWrite5m: count(attributes, "cache_creation_tokens") ?? 0,
      output: count(attributes, "output_tokens") ?? 0,
      speed: stringValue(attributes.get("speed")) === "fast" ? "fast" : "standard",
      version: stringValue(attributes.get("app.version")) ?? stringValue(resourceAttributes.get("service.version")),
    },
  };
}

function emptyCall(): Omit<NormalizedCall, "callKey" | "sessionId" | "timestamp" | "model"> {
  return {
    source: "otlp",
    messageId: null,
    agentId: null,
    isSidechain: false,
    uncachedInput: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    output: 0,
    reasoning: 0,
    speed: "standard",
    isApiError: false,
    cwd: null,
    gitBranch: null,
    version: null,
    requestId: null,
    toolUses: [],
    stopReason: null,
  };
}

/**
 * The request as plain objects shaped like OTLP JSON: protobuf is decoded and converted with
 * 64-bit integers as decimal strings; ids stay bytes (hexId reads both).
 */
function decodeBody(body: Uint8Array, contentType: string, messageType: ProtobufMessageType): Record<string, unknown> {
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType === "application/json") {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch (error) {
      throw badRequest(
        `the body is not valid UTF-8 JSON (${error instanceof Error ? error.message.slice(0, 120) : "unreadable"})`,
        "invalid_otlp",
      );
    }
    if (!isRecord(value)) throw badRequest("an OTLP JSON body must be an object", "invalid_otlp");
    return value;
  }
  if (mediaType === "application/x-protobuf" || mediaType === "application/protobuf") {
    try {
      return messageType.toObject(messageType.decode(body), { longs: String, enums: Number, arrays: true });
    } catch (error) {
      throw badRequest(
        `the body is not a valid OTLP protobuf message (${error instanceof Error ? error.message.slice(0, 120) : "unreadable"})`,
        "invalid_otlp",
      );
    }
  }
  throw new HttpError(415, "unsupported_media_type", "OTLP bodies must be application/json or application/x-protobuf");
}

/** A resource's attributes, or `problem` (then its records are refused) when they cannot be read. */
type Visit = (
  entry: { attributes: Attributes; problem: string | null } & Record<string, unknown>,
  path: string,
) => void;

function forEachResource(value: unknown, path: string, visit: Visit): void {
  list(value).forEach((entry, index) => {
    if (!isRecord(entry)) return;
    const resource = isRecord(entry.resource) ? entry.resource : {};
    let attributes: Attributes = new Map();
    let problem: string | null = null;
    try {
      attributes = attributeMap(resource.attributes);
    } catch (error) {
      if (!(error instanceof NestedTooDeep)) throw error;
      problem = `resource ${error.message}`;
    }
    visit({ ...entry, attributes, problem }, `${path}[${index}]`);
  });
}

function forEachScope(
  value: unknown,
  path: string,
  visit: (scope: Record<string, unknown>, path: string) => void,
): void {
  list(value).forEach((entry, index) => {
    if (isRecord(entry)) visit(entry, `${path}[${index}]`);
  });
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Attribute values nested deeper than this (arrays and key-value lists inside each other) refuse
 * their record: reading them recursively would overflow the stack, and no instrumentation sends them.
 */
const MAX_ATTRIBUTE_DEPTH = 32;

class NestedTooDeep extends Error {
  constructor() {
    super(`attribute values are nested deeper than ${MAX_ATTRIBUTE_DEPTH} levels`);
  }
}

/** OTLP KeyValue[] as a map of plain values; later duplicates win. Throws NestedTooDeep. */
function attributeMap(value: unknown, depth = 0): Attributes {
  const attributes: Attributes = new Map();
  for (const entry of list(value)) {
    if (isRecord(entry) && typeof entry.key === "string") attributes.set(entry.key, anyValue(entry.value, depth));
  }
  return attributes;
}

/** An OTLP AnyValue as a plain value; ints come as decimal strings or numbers. */
function anyValue(value: unknown, depth: number): unknown {
  if (!isRecord(value)) return null;
  if (typeof value.stringValue === "string") return value.stringValue;
  if (value.intValue !== undefined && value.intValue !== null) return integer(value.intValue);
  if (value.doubleValue !== undefined && value.doubleValue !== null) return Number(value.doubleValue);
  if (typeof value.boolValue === "boolean") return value.boolValue;
  if (depth >= MAX_ATTRIBUTE_DEPTH && (isRecord(value.arrayValue) || isRecord(value.kvlistValue)))
    throw new NestedTooDeep();
  if (isRecord(value.arrayValue)) return list(value.arrayValue.values).map((item) => anyValue(item, depth + 1));
  if (isRecord(value.kvlistValue)) return Object.fromEntries(attributeMap(value.kvlistValue.values, depth + 1));
  return null;
}

/** A record's mapping, or the reason its attributes cannot be read. */
function readRecord(map: () => Mapped): Mapped {
  try {
    return map();
  } catch (error) {
    if (error instanceof NestedTooDeep) return error.message;
    throw error;
  }
}

function integer(value: unknown): number | null {
  const number =
    typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(number) ? Math.trunc(number) : null;
}

/**
 * A token count from an int, double or numeric string attribute (Claude Code sends some as
 * strings); null when absent. Negative, fractional or unreadable counts are passed on as they are
 * (NaN when not a number) for validate-events.ts to refuse.
 */
function count(attributes: Attributes, key: string): number | null {
  const value = attributes.get(key);
  if (value === undefined || value === null) return null;
  return typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
}

function stringValue(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function scalarText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

/** traceId/spanId: hex in JSON, bytes in protobuf; null when empty. */
function hexId(value: unknown): string | null {
  if (typeof value === "string") return value === "" ? null : value.toLowerCase();
  if (value instanceof Uint8Array)
    return value.length === 0 ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex");
  return null;
}

/** fixed64 nanoseconds since the epoch (decimal string or number); null when absent or zero. */
function nanosToDate(value: unknown): Date | null {
  let millis: number;
  if (typeof value === "string" && /^\d+$/.test(value)) millis = Number(BigInt(value) / 1_000_000n);
  else if (typeof value === "number" && Number.isFinite(value)) millis = Math.floor(value / 1_000_000);
  else return null;
  return millis > 0 ? validDate(new Date(millis)) : null;
}

function validDate(date: Date): Date | null {
  return Number.isNaN(date.getTime()) ? null : date;
}
