import { FIRST_DAY, LAST_DAY } from "@/lib/queries/params";

/** The From and To dates of a filter form (UTC days, inclusive), named as the query strings expect. */
export function DateRangeFields({ from, to }: { from: string; to: string }) {
  return (
    <>
      <label>
        From
        <input type="date" name="from" defaultValue={from} min={FIRST_DAY} max={LAST_DAY} required />
      </label>
      <label>
        To
        <input type="date" name="to" defaultValue={to} min={FIRST_DAY} max={LAST_DAY} required />
      </label>
    </>
  );
}
