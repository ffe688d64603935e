import Link from "next/link";
import { DateRangeFields } from "@/components/filters/date-range-fields";
import { FilterSelect } from "@/components/filters/filter-select";
import { type OverviewParams, type OverviewPeriod, periodPresets, presetLabels } from "@/lib/dashboard/overview-period";
import { stackDimensions } from "@/lib/queries/daily-spend-by-group";

/** The overview's filters, all in the URL: preset links, and a plain GET form for the rest. */
export function PeriodPicker({
  period,
  params,
  stackBy,
  canSeeOwners,
  owners,
  ownerLabels,
  projects,
  agents,
}: {
  period: OverviewPeriod;
  params: OverviewParams;
  stackBy: string;
  canSeeOwners: boolean;
  owners: string[];
  ownerLabels?: Record<string, string>;
  projects: string[];
  agents: string[];
}) {
  const kept = Object.fromEntries(
    Object.entries({
      stackBy: params.stackBy,
      owner: params.owner,
      project: params.project,
      agent: params.agent,
    }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  return (
    <section className="panel filters" data-testid="period-picker">
      <nav className="presets" aria-label="Period">
        {periodPresets
          .filter((preset) => preset !== "custom")
          .map((preset) => (
            <Link
              key={preset}
              href={`/?${new URLSearchParams({ ...kept, period: preset })}`}
              aria-current={period.preset === preset ? "true" : undefined}
            >
              {presetLabels[preset]}
            </Link>
          ))}
      </nav>
      <form method="get" action="/" className="inline">
        <DateRangeFields from={period.from} to={period.to} />
        <label>
          Stack by
          <select name="stackBy" defaultValue={stackBy}>
            {stackDimensions
              .filter((dimension) => dimension !== "owner" || canSeeOwners)
              .map((dimension) => (
                <option key={dimension} value={dimension}>
                  {dimension}
                </option>
              ))}
          </select>
        </label>
        {canSeeOwners ? (
          <FilterSelect name="owner" label="Owner" options={owners} value={params.owner} labels={ownerLabels} />
        ) : null}
        <FilterSelect name="project" label="Project" options={projects} value={params.project} />
        <FilterSelect name="agent" label="Agent" options={agents} value={params.agent} />
        <input type="hidden" name="period" value="custom" />
        <button type="submit">Apply</button>
      </form>
    </section>
  );
}
