"use client";

import { type CsvCell, toCsv } from "@/lib/export/csv";

/** Downloads a table's rows as CSV, built in the browser from the rows the page already shows. */
export function CsvDownloadButton({
  filename,
  header,
  rows,
}: {
  filename: string;
  header: string[];
  rows: CsvCell[][];
}) {
  return (
    <button
      type="button"
      className="secondary small"
      data-testid="csv-download"
      disabled={rows.length === 0}
      onClick={() => {
        const url = URL.createObjectURL(new Blob([toCsv(header, rows)], { type: "text/csv;charset=utf-8" }));
        const link = document.createElement("a");
        link.href = url;
        link.download = filename;
        link.click();
        URL.revokeObjectURL(url);
      }}
    >
      Export CSV
    </button>
  );
}
