/** The From and To dates of a filter form (UTC days, inclusive), named as the query strings expect. */
export function DateRangeFields({ from, to }: { from: string; to: string }) {
  return (
    <>
      <label>
        From
        <input type="date" name="from" defaultValue={from} required />
      </label>
      <label>
        To
        <input type="date" name="to" defaultValue={to} required />
      </label>
    </>
  );
}
