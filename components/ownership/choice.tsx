/** A <select> of owners, projects or tasks, with an optional first "no choice" entry. */
export function Choice({
  name,
  options,
  empty,
  defaultValue = "",
  label,
  required,
}: {
  name: string;
  options: { id: string; label: string }[];
  /** The label of a first entry with the empty value, e.g. "(leave as is)". */
  empty?: string;
  defaultValue?: string;
  /** Accessible name when the select has no visible label. */
  label?: string;
  required?: boolean;
}) {
  return (
    <select name={name} defaultValue={defaultValue} aria-label={label} required={required}>
      {empty !== undefined ? <option value="">{empty}</option> : null}
      {options.map((option) => (
        <option key={option.id} value={option.id}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/** A person by their one display name, with the email beside it when it says more. */
export const personLabel = (p: { displayName: string; email?: string | null }) =>
  p.email && p.email !== p.displayName ? `${p.displayName} · ${p.email}` : p.displayName;
export const personOptions = (people: { id: string; displayName: string; email?: string | null }[]) =>
  people.map((p) => ({ id: p.id, label: personLabel(p) }));
export const projectOptions = (projects: { id: string; name: string }[]) =>
  projects.map((p) => ({ id: p.id, label: p.name }));
export const taskOptions = (tasks: { id: string; key: string }[]) => tasks.map((t) => ({ id: t.id, label: t.key }));
