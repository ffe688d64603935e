import { formatInteger, formatUsd } from "@/lib/format";

/** The figures of one upload or one stored batch; used by the upload page and the history. */
export interface IngestTotals {
  files?: number;
  runs: number;
  calls: number;
  duplicates: number;
  costUsd: number;
  errorCount: number;
}

export interface IngestErrorItem {
  file?: string | null;
  /** Null when the whole file failed. */
  line: number | null;
  message: string;
}

export function IngestTotalsList({ totals }: { totals: IngestTotals }) {
  const stats: [string, string, string][] = [
    ...(totals.files === undefined
      ? []
      : [["files", "Files", formatInteger(totals.files)] as [string, string, string]]),
    ["runs", "Runs", formatInteger(totals.runs)],
    ["calls", "Calls", formatInteger(totals.calls)],
    ["duplicates", "Duplicates skipped", formatInteger(totals.duplicates)],
    ["cost", "Cost added", formatUsd(totals.costUsd)],
    ["errors", "Errors", formatInteger(totals.errorCount)],
  ];
  return (
    <dl className="ingest-totals">
      {stats.map(([key, label, value]) => (
        <div key={key}>
          <dt>{label}</dt>
          <dd data-stat={key}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Every error as `file:line message`. Messages quote trace content, so they are rendered as
 * text only. `hidden` says how many more the server counted but did not keep.
 */
export function IngestErrorList({
  errors,
  hidden,
  testId,
}: {
  errors: IngestErrorItem[];
  hidden: number;
  testId?: string;
}) {
  if (errors.length === 0 && hidden === 0) return null;
  return (
    <ul className="ingest-errors" data-testid={testId}>
      {errors.map((error, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: errors are a fixed list from one response, never reordered
        <li key={index}>
          <code>
            {error.file ?? "upload"}
            {error.line === null ? "" : `:${error.line}`}
          </code>{" "}
          {error.message}
        </li>
      ))}
      {hidden > 0 ? <li className="muted">…and {formatInteger(hidden)} more not kept</li> : null}
    </ul>
  );
}
