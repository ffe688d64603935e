/**
 * The multi-file body of `POST /api/v1/ingest/files` (lib/ingest/ingest-files.ts reads it,
 * `trh push` writes it): per file a header line of JSON, then exactly that many bytes.
 * Kept apart from the reader so the CLI's push pulls in no database code.
 */
import { z } from "zod";

/** A header line longer than this is not one. */
export const MAX_HEADER_BYTES = 4096;

export const fileHeaderSchema = z.object({
  file: z
    .string()
    .min(1)
    .max(1000, "file: a path of at most 1000 characters")
    .refine((path) => !/[\u0000-\u001f\u007f]/.test(path), "file: a path without control characters (such as NUL)"),
  /** One of trace-body.ts's formats or "auto"; checked by the reader (ingest-files.ts). */
  format: z.string().max(32).default("auto"),
  bytes: z.number().int().nonnegative(),
  /** The bytes are gzip (a `.gz` file sent as it is), decoded and capped like a gzip body. */
  gzip: z.boolean().default(false),
});
export type FileHeader = z.infer<typeof fileHeaderSchema>;

/** Frames one file of the multi-file body: its header line, then its bytes. */
export function fileFrame(header: Omit<z.input<typeof fileHeaderSchema>, "bytes">, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, bytes: bytes.length })}\n`), bytes]);
}
