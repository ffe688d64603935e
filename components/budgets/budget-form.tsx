"use client";

import { useState } from "react";
import { saveBudgetAction } from "@/lib/budgets/actions";
import type { ChannelView } from "@/lib/budgets/budgets";
import type { ScopeTargets } from "@/lib/budgets/scope-targets";
import { BudgetActionForm } from "./budget-actions";

export interface BudgetFormValues {
  id: string;
  name: string;
  scopeKind: string;
  scopeValue: string | null;
  period: string;
  amountUsd: number;
  thresholds: number[];
  channels: ChannelView[];
}

/** Creates a budget, or edits one (`budget`); admins only (the server action checks again). */
export function BudgetForm({ targets, budget }: { targets: ScopeTargets; budget?: BudgetFormValues }) {
  const [kind, setKind] = useState(budget?.scopeKind ?? "team");
  const choices =
    kind === "owner"
      ? targets.owners
      : kind === "project"
        ? targets.projects
        : kind === "task"
          ? targets.tasks
          : kind === "model"
            ? targets.models.map((m) => ({ id: m, name: m }))
            : [];
  return (
    <BudgetActionForm
      action={saveBudgetAction}
      testId={budget ? "budget-edit-form" : "budget-create-form"}
      className="inline budget-form"
    >
      {(pending) => (
        <>
          {budget ? <input type="hidden" name="budgetId" value={budget.id} /> : null}
          <label>
            Name
            <input name="name" required maxLength={200} defaultValue={budget?.name} placeholder="Team monthly" />
          </label>
          <label>
            For
            <select name="scopeKind" value={kind} onChange={(event) => setKind(event.target.value)}>
              <option value="team">the team</option>
              <option value="owner">an owner</option>
              <option value="project">a project</option>
              <option value="task">a task</option>
              <option value="model">a model</option>
            </select>
          </label>
          {kind !== "team" ? (
            <label>
              Which
              <select name="scopeValue" required defaultValue={budget?.scopeValue ?? undefined} key={kind}>
                {choices.map((choice) => (
                  <option key={choice.id} value={choice.id}>
                    {choice.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label>
            Period
            <select name="period" defaultValue={budget?.period ?? "month"}>
              <option value="day">day</option>
              <option value="week">week (from Monday)</option>
              <option value="month">month</option>
              <option value="quarter">quarter</option>
            </select>
          </label>
          <label>
            Amount (USD)
            <input name="amountUsd" type="number" min="0.01" step="0.01" required defaultValue={budget?.amountUsd} />
          </label>
          <label>
            Alert at (% of amount)
            <input name="thresholds" maxLength={100} defaultValue={(budget?.thresholds ?? [50, 80, 100]).join(", ")} />
          </label>
          <fieldset>
            <legend className="small muted">Alert channels</legend>
            {budget?.channels.map((channel) => (
              <label key={channel.id} className="nowrap">
                <span>
                  <input type="checkbox" name="keepChannel" value={channel.id} defaultChecked /> keep {channel.kind}{" "}
                  {channel.target}
                  {channel.signed ? " (signed)" : ""}
                </span>
              </label>
            ))}
            <label>
              Webhook URL
              <input name="webhookUrl" type="url" placeholder="https://example.com/hook" />
            </label>
            <label>
              Webhook secret (signs the body)
              <input name="webhookSecret" type="password" autoComplete="off" />
            </label>
            <label>
              Slack incoming webhook
              <input name="slackUrl" type="url" placeholder="https://hooks.slack.com/services/…" />
            </label>
            <label>
              Email
              <input name="emailTo" type="email" placeholder="manager@example.com" />
            </label>
          </fieldset>
          <button type="submit" disabled={pending}>
            {pending ? "Saving…" : budget ? "Save budget" : "Create budget"}
          </button>
        </>
      )}
    </BudgetActionForm>
  );
}
