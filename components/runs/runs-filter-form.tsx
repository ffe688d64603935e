import type { FilterChoices } from "@/lib/queries/filter-choices";
import type { RunsQuery } from "@/lib/queries/runs-list";
import { DateRangeFields } from "@/components/filters/date-range-fields";

/** The runs list's filters as a GET form: the URL holds them, so a filtered list can be shared. */
export function RunsFilterForm({ query, choices, canSeeOwners }: { query: RunsQuery; choices: FilterChoices; canSeeOwners: boolean }) {
  const select = (name: "owner" | "project" | "model", label: string, options: string[]) => (
    <label>
      {label}
      <select name={name} defaultValue={query[name] ?? ""}>
        <option value="">all</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section className="panel">
      <form method="get" action="/runs" className="inline" data-testid="runs-filters">
        <DateRangeFields from={query.from} to={query.to} />
        {canSeeOwners ? select("owner", "Owner", choices.owners) : null}
        {select("project", "Project", choices.projects)}
        {select("model", "Model", choices.models)}
        <input type="hidden" name="sort" value={query.sort} />
        <button type="submit">Filter</button>
      </form>
    </section>
  );
}
