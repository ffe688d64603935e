import Link from "next/link";
import type { DayRange, RangeNote } from "@/lib/queries/page-range";

/**
 * What a page says when the range it shows is not the one asked for, or holds no data while
 * older days do (lib/queries/page-range.ts): the same words and place on every page.
 * `hrefFor` gives the page's address for another range, filters kept.
 */
export function RangeNotice({ note, hrefFor }: { note: RangeNote | null; hrefFor: (range: DayRange) => string }) {
  if (!note) return null;
  return (
    <p className="notice range-notice" role="status" data-testid="range-notice">
      {note.text}
      {note.suggestion ? (
        <>
          {" "}
          <Link href={hrefFor(note.suggestion.range)} data-testid="range-notice-suggestion">
            {note.suggestion.label}
          </Link>
        </>
      ) : null}
    </p>
  );
}
