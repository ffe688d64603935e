/** One filter of a GET form: "all" (the empty value), then the choices, as the query string expects. */
export function FilterSelect({
  name,
  label,
  options,
  value,
  labels,
}: {
  name: string;
  label: string;
  options: string[];
  value: string | undefined;
  /** How to show an option, when not as its value (people: their display name and email). */
  labels?: Record<string, string>;
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ""}>
        <option value="">all</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {labels?.[option] ?? option}
          </option>
        ))}
      </select>
    </label>
  );
}
