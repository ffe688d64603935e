/**
 * Compact storage for the de-duplication ledger of `trh analyze` (report.ts): memory per distinct
 * call stays a few dozen bytes whatever the length of its keys. Call keys and message ids are kept
 * as 64-bit hashes in open-addressing tables of typed arrays; models, sessions and projects, which
 * repeat across calls, are interned to small numbers.
 *
 * Two different keys share a 64-bit hash with probability about n²/2^65: for a million distinct
 * calls, about 3 in 100 million; such a pair would count as one call (the larger copy).
 */

/** Two independent 32-bit hashes of a string (FNV-1a and a multiply-xorshift), with its length mixed in. */
export function hash64(text: string): { high: number; low: number } {
  let high = 0x811c9dc5 ^ text.length;
  let low = 0x9747b28c ^ Math.imul(text.length, 0x5bd1e995);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    high = Math.imul(high ^ code, 0x01000193);
    low = Math.imul(low ^ code, 0x5bd1e995);
    low ^= low >>> 15;
  }
  high ^= high >>> 16;
  high = Math.imul(high, 0x85ebca6b);
  high ^= high >>> 13;
  low = Math.imul(low ^ (low >>> 16), 0xc2b2ae35);
  low ^= low >>> 16;
  return { high: high >>> 0, low: low >>> 0 };
}

/** A map from 64-bit hashes to non-negative integers, in typed arrays (open addressing, linear probing). */
export class HashIndex {
  private high = new Uint32Array(1024);
  private low = new Uint32Array(1024);
  /** value + 1; 0 marks an empty slot. */
  private values = new Int32Array(1024);
  private size = 0;

  get(high: number, low: number): number | undefined {
    const mask = this.values.length - 1;
    for (let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      const value = this.values[slot]!;
      if (value === 0) return undefined;
      if (this.high[slot] === high && this.low[slot] === low) return value - 1;
    }
  }

  set(high: number, low: number, value: number): void {
    if ((this.size + 1) * 2 > this.values.length) this.grow();
    const mask = this.values.length - 1;
    for (let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      if (this.values[slot] === 0) {
        this.high[slot] = high;
        this.low[slot] = low;
        this.values[slot] = value + 1;
        this.size += 1;
        return;
      }
      if (this.high[slot] === high && this.low[slot] === low) {
        this.values[slot] = value + 1;
        return;
      }
    }
  }

  private grow(): void {
    const { high, low, values } = this;
    this.high = new Uint32Array(values.length * 2);
    this.low = new Uint32Array(values.length * 2);
    this.values = new Int32Array(values.length * 2);
    this.size = 0;
    for (let slot = 0; slot < values.length; slot++)
      if (values[slot] !== 0) this.set(high[slot]!, low[slot]!, values[slot]! - 1);
  }
}

/** Repeated strings (models, sessions, projects) as small numbers; -1 is null. */
export class Interner {
  private readonly numbers = new Map<string, number>();
  readonly strings: string[] = [];

  number(text: string | null): number {
    if (text === null) return -1;
    let number = this.numbers.get(text);
    if (number === undefined) {
      number = this.strings.length;
      this.numbers.set(text, number);
      this.strings.push(text);
    }
    return number;
  }

  string(number: number): string | null {
    return number < 0 ? null : this.strings[number]!;
  }
}

/** Columns of numbers that grow as rows are added. */
export class GrowingColumns {
  private capacity = 1024;
  readonly float: Float64Array[];
  readonly int: Int32Array[];

  constructor(
    private readonly floats: number,
    private readonly ints: number,
  ) {
    this.float = Array.from({ length: floats }, () => new Float64Array(this.capacity));
    this.int = Array.from({ length: ints }, () => new Int32Array(this.capacity));
  }

  /** Makes room for row `index`. */
  reserve(index: number): void {
    if (index < this.capacity) return;
    while (this.capacity <= index) this.capacity *= 2;
    for (let c = 0; c < this.floats; c++) {
      const grown = new Float64Array(this.capacity);
      grown.set(this.float[c]!);
      this.float[c] = grown;
    }
    for (let c = 0; c < this.ints; c++) {
      const grown = new Int32Array(this.capacity);
      grown.set(this.int[c]!);
      this.int[c] = grown;
    }
  }
}
