/**
 * Fuzzed input through the whole ingest path, shared by the Postgres and the embedded tests:
 * valid assistant lines mixed with arbitrary text, arbitrary bytes, cut-off JSON and JSON of the
 * wrong shape. Whatever comes, nothing throws, every valid call is stored exactly once, and every
 * line that is not one is either skipped as irrelevant or reported with its line number.
 */
import fc from "fast-check";
import { expect } from "vitest";
import type { Scope } from "@/lib/auth/scope";
import { ingestFile } from "@/lib/ingest/ingest-file";
import { assistantLine } from "@/lib/ingest/parsers/__fixtures__/trace-lines";
import { spendByGroup } from "@/lib/queries/spend-by-group";
import { wholeRange } from "./ingest-fixtures";

const noise = fc.oneof(
  fc.string({ maxLength: 200 }).map((text) => text.replace(/\n/g, " ")),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes.filter((b) => b !== 0x0a)).toString("latin1")),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.constantFrom(
    '{"type":"assistant","message":{"usage":',
    '{"type":"user","message":{"content":[{"type":"tool_result"',
    "\u0000\u0000",
    "{}",
  ),
);

export async function fuzzIngest(newScope: () => Promise<Scope>, runs = 12): Promise<void> {
  let counter = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.constant<"call">("call"), noise), { minLength: 1, maxLength: 40 }),
      async (pieces) => {
        const scope = await newScope();
        const prefix = `fz${counter++}`;
        let calls = 0;
        const lines = pieces.map((piece, index) => {
          if (piece !== "call") return piece;
          calls += 1;
          return assistantLine({
            messageId: `${prefix}_m${index}`,
            requestId: `${prefix}_r${index}`,
            input: 10,
            output: 5,
            sessionId: `${prefix}-session`,
          });
        });
        const body = Buffer.from(
          `${JSON.stringify({ sessionId: `${prefix}-session`, type: "summary" })}\n${lines.join("\n")}\n`,
          "latin1",
        );
        const result = await ingestFile(scope, {
          format: "claude-code",
          fileName: `${prefix}-session.jsonl`,
          body: { bytes: [body], gzip: false },
        });
        expect(result.calls).toBe(calls);
        for (const error of result.errors) expect(error.line).toBeGreaterThan(1);
        const { totals } = await spendByGroup(scope, { ...wholeRange, groupBy: "day" });
        expect(totals.calls).toBe(calls);
        expect(totals.inputTokens).toBe(10 * calls);
        const again = await ingestFile(scope, {
          format: "claude-code",
          fileName: `${prefix}-session.jsonl`,
          body: { bytes: [body], gzip: false },
        });
        expect(again.calls).toBe(0);
      },
    ),
    { numRuns: runs },
  );
}
