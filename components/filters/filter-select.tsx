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
  // A value from a link that is not among the choices (a model seen only in runs, a task) is still
  // the filter in force: it is shown, selected, rather than "all".
  const shown = value && !options.includes(value) ? [value, ...options] : options;
  return (
    <label>
      {label}
      {/* Keyed by the value: after a client-side navigation to another filter the select shows the new one. */}
      <select key={value ?? ""} name={name} defaultValue={value ?? ""}>
        <option value="">all</option>
        {shown.map((option) => (
          <option key={option} value={option}>
            {labels?.[option] ?? option}
          </option>
        ))}
      </select>
    </label>
  );
}
