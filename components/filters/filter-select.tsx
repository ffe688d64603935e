/** One filter of a GET form: "all" (the empty value), then the choices, as the query string expects. */
export function FilterSelect({ name, label, options, value }: { name: string; label: string; options: string[]; value: string | undefined }) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ""}>
        <option value="">all</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}
