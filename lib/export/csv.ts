/**
 * CSV for the dashboards' "Export CSV" buttons (RFC 4180). Cells come from trace content
 * (titles, branch names, model names) and are untrusted: a cell a spreadsheet would read as a
 * formula (= + - @, or a leading tab/carriage return) is prefixed with ' so opening the file never
 * runs anything.
 */

export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  // Numbers are ours, not the trace's: negative deltas stay numbers a spreadsheet can sum.
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: CsvCell[][]): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
