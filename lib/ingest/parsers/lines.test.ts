import { describe, expect, it } from "vitest";
import { type RawLine, readLineBatches } from "./lines";

async function readAll(pieces: Buffer[], only?: Buffer): Promise<Array<Omit<RawLine, "bytes"> & { text: string }>> {
  const lines: Array<Omit<RawLine, "bytes"> & { text: string }> = [];
  for await (const batch of readLineBatches(pieces, only)) {
    for (const line of batch)
      lines.push({ number: line.number, text: line.bytes.toString("utf8"), unterminated: line.unterminated });
  }
  return lines;
}

/** The text cut into pieces of `size` bytes: lines and the marker split across chunks in every way. */
function pieces(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text);
  const result: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) result.push(bytes.subarray(start, start + size));
  return result;
}

describe("readLineBatches with `only`", () => {
  const text = [
    '{"a":1}',
    '{"usage":{"x":1}}',
    "",
    '{"b":"no marker here, a long line to cross chunk ends"}',
    '{"c":"usage without its quotes"}',
    '{"d":2,"usage":3}\r',
    '{"e":"usag',
    'e"}',
    '{"f":"the last, unterminated"}',
  ].join("\n");

  it("returns exactly the lines holding the marker, with their numbers, however the bytes are chunked", async () => {
    const marker = Buffer.from('"usage"');
    const expected = (await readAll([Buffer.from(text)])).filter(
      (line) => line.unterminated || line.text.includes('"usage"'),
    );
    expect(expected.map((line) => line.number)).toEqual([2, 6, 9]);
    for (const size of [1, 2, 3, 5, 7, 11, 16, 64, text.length]) {
      expect(await readAll(pieces(text, size), marker)).toEqual(expected);
    }
  });
});
