import { DateRangeFields } from "@/components/filters/date-range-fields";
import { FilterSelect } from "@/components/filters/filter-select";
import { ownerLabels } from "@/components/owner-name";
import type { FilterChoices } from "@/lib/queries/filter-choices";
import type { RunsQuery } from "@/lib/queries/runs-list";

/** The runs list's filters as a GET form: the URL holds them, so a filtered list can be shared. */
export function RunsFilterForm({
  query,
  choices,
  canSeeOwners,
}: {
  query: RunsQuery;
  choices: FilterChoices;
  canSeeOwners: boolean;
}) {
  return (
    <section className="panel">
      <form method="get" action="/runs" className="inline" data-testid="runs-filters">
        <DateRangeFields from={query.from} to={query.to} />
        {canSeeOwners ? (
          <FilterSelect
            name="owner"
            label="Owner"
            options={choices.owners}
            value={query.owner}
            labels={ownerLabels(choices.ownerNames)}
          />
        ) : null}
        <FilterSelect name="project" label="Project" options={choices.projects} value={query.project} />
        <FilterSelect name="model" label="Model" options={choices.models} value={query.model} />
        <input type="hidden" name="sort" value={query.sort} />
        <button type="submit">Filter</button>
      </form>
    </section>
  );
}
