import { DateRangeFields } from "@/components/filters/date-range-fields";
import { FilterSelect } from "@/components/filters/filter-select";
import { type OverviewParams, type OverviewPeriod, periodPresets, presetLabels } from "@/lib/dashboard/overview-period";
import { KeptStackBy, PeriodPresets } from "./period-presets";

/** The overview's filters, all in the URL: preset links, and a plain GET form for the rest (stack-by is on the chart). */
export function PeriodPicker({
  period,
  params,
  canSeeOwners,
  owners,
  ownerLabels,
  projects,
  agents,
}: {
  period: OverviewPeriod;
  params: OverviewParams;
  canSeeOwners: boolean;
  owners: string[];
  ownerLabels?: Record<string, string>;
  projects: string[];
  agents: string[];
}) {
  const kept = Object.fromEntries(
    Object.entries({
      owner: params.owner,
      project: params.project,
      agent: params.agent,
    }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  return (
    <section className="panel filters" data-testid="period-picker">
      <PeriodPresets
        presets={periodPresets
          .filter((preset) => preset !== "custom")
          .map((preset) => ({ preset, label: presetLabels[preset] }))}
        current={period.preset}
        kept={kept}
      />
      <form method="get" action="/" className="inline">
        <DateRangeFields from={period.from} to={period.to} />
        {canSeeOwners ? (
          <FilterSelect name="owner" label="Owner" options={owners} value={params.owner} labels={ownerLabels} />
        ) : null}
        <FilterSelect name="project" label="Project" options={projects} value={params.project} />
        <FilterSelect name="agent" label="Agent" options={agents} value={params.agent} />
        <KeptStackBy />
        <input type="hidden" name="period" value="custom" />
        <button type="submit">Apply</button>
      </form>
    </section>
  );
}
