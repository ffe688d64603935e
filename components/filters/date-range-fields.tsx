/**
 * A day as the pages write it everywhere (YYYY-MM-DD, UTC), not the browser's date input, which
 * shows the locale's mm/dd/yyyy beside ISO dates. The pattern catches what is not a date shape;
 * the page repairs the rest (a 30 February, a reversed range) and says so (lib/queries/page-range.ts).
 */
const DAY_PATTERN = String.raw`\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])`;

function DayField({ label, name, value }: { label: string; name: string; value: string }) {
  return (
    <label>
      {label}
      <input
        type="text"
        name={name}
        defaultValue={value}
        pattern={DAY_PATTERN}
        placeholder="yyyy-mm-dd"
        title="A date as yyyy-mm-dd (UTC)"
        inputMode="numeric"
        autoComplete="off"
        size={10}
        maxLength={10}
        required
      />
    </label>
  );
}

/** The From and To dates of a filter form (UTC days, inclusive), named as the query strings expect. */
export function DateRangeFields({ from, to }: { from: string; to: string }) {
  return (
    <>
      <DayField label="From" name="from" value={from} />
      <DayField label="To" name="to" value={to} />
    </>
  );
}
