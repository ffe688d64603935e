import type { Metadata } from "next";
import { TimeZoneForm } from "@/components/budgets/budget-buttons";
import { BudgetCard } from "@/components/budgets/budget-card";
import { BudgetForm } from "@/components/budgets/budget-form";
import { PageHead } from "@/components/page-head";
import { may, maySeeEveryonesSpend } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { budgetChannels, listBudgetStates, teamTimeZone } from "@/lib/budgets/budgets";
import { deliveryLog } from "@/lib/budgets/deliver";
import { scopeLabel, scopeTargets } from "@/lib/budgets/scope-targets";

export const metadata: Metadata = { title: "Budgets" };

const PAST_PERIODS = 6;
const LOG_ENTRIES = 20;

/** Every budget's burn-down, past periods and alerts; admins create, edit, test and delete. */
export default async function BudgetsPage() {
  const scope = await pageScope();
  const canManage = may(scope, "settings:manage");
  const [states, targets, timeZone] = await Promise.all([
    listBudgetStates(scope, { withOwners: maySeeEveryonesSpend(scope), pastPeriods: PAST_PERIODS }),
    scopeTargets(scope),
    teamTimeZone(scope.teamId),
  ]);
  const details = await Promise.all(
    states.map(async (state) => ({
      channels: await budgetChannels(scope, state.id),
      log: await deliveryLog(scope.teamId, state.id, LOG_ENTRIES),
    })),
  );
  return (
    <>
      <PageHead
        title="Budgets"
        subtitle={`Periods follow ${timeZone}; weeks start on Monday. Alerts are checked after every upload and every minute.`}
      />
      {states.length === 0 ? (
        <p className="panel muted">
          No budgets yet.{canManage ? " Create the first one below." : " An admin can create them."}
        </p>
      ) : null}
      {states.map((state, i) => (
        <BudgetCard
          key={state.id}
          state={state}
          label={scopeLabel(state.scope, targets)}
          channels={details[i]!.channels}
          log={details[i]!.log}
          targets={targets}
          canManage={canManage}
        />
      ))}
      {canManage ? (
        <section className="panel">
          <h2>New budget</h2>
          <BudgetForm targets={targets} />
          <h3>Time zone</h3>
          <TimeZoneForm timeZone={timeZone} />
        </section>
      ) : null}
    </>
  );
}
