/**
 * One trace file into the writer as its own batch (an upload, an API request): its events as
 * trace-body.ts reads them, written by writer.ts.
 */
import type { Scope } from "@/lib/auth/scope";
import { fileEvents, type IngestFileInput } from "./trace-body";
import { type IngestProgress, type IngestResult, ingestEvents } from "./writer";

/** OTLP requests go through ingest-otlp.ts. */
export async function ingestFile(
  scope: Scope,
  input: IngestFileInput,
  onProgress?: (progress: IngestProgress) => void,
): Promise<IngestResult> {
  const { format, events } = await fileEvents(input);
  return ingestEvents(scope, { format, fileName: input.fileName, events }, onProgress);
}
