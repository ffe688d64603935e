import { DateRangeFields } from "@/components/filters/date-range-fields";
import { FilterSelect } from "@/components/filters/filter-select";
import { ownerLabels } from "@/components/owner-name";
import type { FilterChoices } from "@/lib/queries/filter-choices";
import type { RunsQuery } from "@/lib/queries/runs-list";

/**
 * The runs list's filters and search as a GET form: the URL holds them, so a filtered list can be
 * shared. An owner or project given by id (a link from the Ownership page) is shown by its name.
 */
export function RunsFilterForm({
  query,
  choices,
  canSeeOwners,
}: {
  query: RunsQuery;
  choices: FilterChoices;
  canSeeOwners: boolean;
}) {
  const owner = query.owner === undefined ? undefined : (choices.ownerKeyById[query.owner] ?? query.owner);
  const project = query.project === undefined ? undefined : (choices.projectNameById[query.project] ?? query.project);
  return (
    <section className="panel">
      <form key={JSON.stringify(query)} method="get" action="/runs" className="inline" data-testid="runs-filters">
        <label>
          Search
          <input
            key={query.q ?? ""}
            type="search"
            name="q"
            defaultValue={query.q ?? ""}
            maxLength={200}
            placeholder="title, first message, repository, folder"
          />
        </label>
        <DateRangeFields from={query.from} to={query.to} />
        {canSeeOwners ? (
          <FilterSelect
            name="owner"
            label="Owner"
            options={choices.owners}
            value={owner}
            labels={ownerLabels(choices.ownerNames)}
          />
        ) : null}
        <FilterSelect name="project" label="Project" options={choices.projects} value={project} />
        {query.task !== undefined ? <FilterSelect name="task" label="Task" options={[]} value={query.task} /> : null}
        <FilterSelect name="model" label="Model" options={choices.models} value={query.model} />
        <FilterSelect name="agent" label="Agent" options={choices.agents} value={query.agent} />
        <input type="hidden" name="sort" value={query.sort} />
        <button type="submit">Filter</button>
      </form>
    </section>
  );
}
