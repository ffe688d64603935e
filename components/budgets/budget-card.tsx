import type { BudgetState } from "@/lib/budgets/budget-state";
import type { ChannelView } from "@/lib/budgets/budgets";
import { burnDown } from "@/lib/budgets/burn-down";
import type { DeliveryLogEntry } from "@/lib/budgets/deliver";
import type { ScopeTargets } from "@/lib/budgets/scope-targets";
import { formatUsd } from "@/lib/format";
import { DeleteBudgetButton, SendTestButton } from "./budget-buttons";
import { BudgetForm } from "./budget-form";
import { BudgetStatusBadge } from "./budget-status-badge";
import { BurnDownChart } from "./burn-down-chart";

const eventLabels: Record<string, string> = {
  "budget.threshold_crossed": "threshold",
  "budget.forecast_exceeded": "forecast over",
  "spend.spike": "spike",
  "budget.test": "test",
};

/** One budget: where it stands, its burn-down, past periods, deliveries and (admins) its controls. */
export function BudgetCard({
  state,
  label,
  channels,
  log,
  targets,
  canManage,
}: {
  state: BudgetState;
  label: string;
  channels: ChannelView[];
  log: DeliveryLogEntry[];
  targets: ScopeTargets;
  canManage: boolean;
}) {
  const percent = (state.spentUsd / state.amountUsd) * 100;
  return (
    <section className="panel" id={`budget-${state.id}`} data-testid="budget-card">
      <div className="budget-card-head">
        <h2>{state.name}</h2>
        <span className="muted">
          {label}, per {state.period}
        </span>
        <BudgetStatusBadge status={state.status} />
        <span className="muted small" data-testid="budget-resets">
          {state.periodStart} to {state.periodEnd}; resets in {state.resetsInDays}{" "}
          {state.resetsInDays === 1 ? "day" : "days"}
        </span>
      </div>
      <dl className="tiles">
        <div>
          <dt>Spent</dt>
          <dd data-testid="budget-spent">{formatUsd(state.spentUsd)}</dd>
          <dd className="small muted">
            {percent.toFixed(0)}% of {formatUsd(state.amountUsd)}
          </dd>
        </div>
        <div>
          <dt>Forecast at period end</dt>
          <dd data-testid="budget-forecast">{state.forecast ? formatUsd(state.forecast.forecastUsd) : "–"}</dd>
          <dd className="small muted">
            {state.forecast
              ? `${formatUsd(state.forecast.lowUsd)} to ${formatUsd(state.forecast.highUsd)} at ${formatUsd(state.forecast.rateUsd)}/day (${state.forecast.windowDays} days)`
              : "needs 3 complete days of data"}
          </dd>
        </div>
        <div>
          <dt>Alerts at</dt>
          <dd>{state.thresholds.map((t) => `${t}%`).join(", ")}</dd>
          <dd className="small muted">
            {channels.length === 0 ? "no channels" : channels.map((c) => c.kind).join(", ")}
          </dd>
        </div>
      </dl>
      <BurnDownChart points={burnDown(state)} amountUsd={state.amountUsd} today={state.today} />
      <div className="grid-2">
        <div>
          <h3>Past periods</h3>
          <table data-testid="budget-past-periods">
            <thead>
              <tr>
                <th>Period</th>
                <th className="num">Spent</th>
                <th className="num">of budget</th>
              </tr>
            </thead>
            <tbody>
              {state.pastPeriods.map((period) => (
                <tr key={period.start}>
                  <td>
                    {period.start} to {period.end}
                  </td>
                  <td className="num">{formatUsd(period.spentUsd)}</td>
                  <td className="num">{((period.spentUsd / state.amountUsd) * 100).toFixed(0)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <h3>Delivery log</h3>
          {log.length === 0 ? (
            <p className="muted small">No alerts sent yet.</p>
          ) : (
            <table data-testid="budget-delivery-log">
              <thead>
                <tr>
                  <th>When (UTC)</th>
                  <th>Alert</th>
                  <th>Channel</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {log.map((entry) => (
                  <tr key={entry.id}>
                    <td className="nowrap small">{entry.createdAt.toISOString().slice(0, 16).replace("T", " ")}</td>
                    <td>
                      {eventLabels[entry.event] ?? entry.event}
                      {entry.event === "budget.threshold_crossed" ? ` ${entry.thresholdPercent}%` : ""}
                      {entry.subjectName ? `: ${entry.subjectName}` : ""}
                    </td>
                    <td>{entry.channelKind}</td>
                    <td className="small">
                      {entry.status}
                      {entry.attempts > 1 || entry.status !== "delivered"
                        ? `, ${entry.attempts} attempt${entry.attempts === 1 ? "" : "s"}`
                        : ""}
                      {entry.status === "pending" && entry.attempts > 0
                        ? `, next ${entry.nextAttemptAt.toISOString().slice(11, 16)}`
                        : ""}
                      {entry.lastError ? <div className="muted">{entry.lastError}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
      {canManage ? (
        <div className="outcome-buttons">
          <SendTestButton budgetId={state.id} />
          <details>
            <summary>Edit</summary>
            <BudgetForm
              targets={targets}
              budget={{
                id: state.id,
                name: state.name,
                scopeKind: state.scope.kind,
                scopeValue: state.scope.value,
                period: state.period,
                amountUsd: state.amountUsd,
                thresholds: state.thresholds,
                channels,
              }}
            />
          </details>
          <DeleteBudgetButton budgetId={state.id} />
        </div>
      ) : null}
    </section>
  );
}
