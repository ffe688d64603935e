/**
 * The body every channel is sent (docs/CONTRACT.md "Budgets and alerts": a webhook posts it as JSON) and
 * the plain sentence Slack and email make of it.
 */
import { formatUsd } from "@/lib/format";
import type { BudgetState } from "./budget-state";

export const alertEvents = ["budget.threshold_crossed", "budget.forecast_exceeded", "spend.spike"] as const;
/** "budget.test" is what the page's "send test" button sends. */
export type AlertEvent = (typeof alertEvents)[number] | "budget.test";

export interface SpikeSubject {
  kind: "owner" | "project";
  id: string;
  name: string;
  day: string;
  medianUsd: number;
}

export interface AlertPayload {
  event: AlertEvent;
  budget: { id: string; name: string; scope: BudgetState["scope"]; period: BudgetState["period"] };
  thresholdPercent: number | null;
  spentUsd: number;
  amountUsd: number;
  forecastUsd: number | null;
  periodStart: string;
  periodEnd: string;
  url: string;
  /** spend.spike only: whose spend spiked, on which day, against which median. */
  subject?: SpikeSubject;
}

/** Where links in alerts point: TRH_PUBLIC_URL, else AUTH_URL, else this server on localhost. */
export function publicBaseUrl(): string {
  const configured = process.env.TRH_PUBLIC_URL || process.env.AUTH_URL;
  return (configured || `http://localhost:${process.env.PORT || "3000"}`).replace(/\/+$/, "");
}

export function budgetUrl(budgetId: string): string {
  return `${publicBaseUrl()}/budgets#budget-${budgetId}`;
}

export function alertPayload(
  state: BudgetState,
  event: AlertEvent,
  thresholdPercent: number | null,
  spike?: SpikeSubject & { spentUsd: number },
): AlertPayload {
  return {
    event,
    budget: { id: state.id, name: state.name, scope: state.scope, period: state.period },
    thresholdPercent,
    spentUsd: spike ? spike.spentUsd : state.spentUsd,
    amountUsd: state.amountUsd,
    forecastUsd: state.forecastUsd,
    periodStart: spike ? spike.day : state.periodStart,
    periodEnd: spike ? spike.day : state.periodEnd,
    url: budgetUrl(state.id),
    ...(spike
      ? { subject: { kind: spike.kind, id: spike.id, name: spike.name, day: spike.day, medianUsd: spike.medianUsd } }
      : {}),
  };
}

/** One line for people (Slack, the email's subject and first line). Names are plain text here; each channel escapes them. */
export function alertSentence(payload: AlertPayload): string {
  const budget = `budget "${payload.budget.name}"`;
  const period = `${payload.periodStart} to ${payload.periodEnd}`;
  switch (payload.event) {
    case "budget.threshold_crossed":
      return `${capitalize(budget)} reached ${payload.thresholdPercent}%: ${formatUsd(payload.spentUsd)} of ${formatUsd(payload.amountUsd)} (${period}).`;
    case "budget.forecast_exceeded":
      return `${capitalize(budget)} is forecast to reach ${formatUsd(payload.forecastUsd ?? 0)} of ${formatUsd(payload.amountUsd)} by ${payload.periodEnd} (${formatUsd(payload.spentUsd)} spent so far).`;
    case "spend.spike": {
      const subject = payload.subject!;
      return `Spend spike: ${subject.kind} ${subject.name} spent ${formatUsd(payload.spentUsd)} on ${subject.day} (UTC), more than ${(payload.thresholdPercent ?? 0) / 100}x the median ${formatUsd(subject.medianUsd)} of the previous days (${budget}).`;
    }
    case "budget.test":
      return `Test message for ${budget}: ${formatUsd(payload.spentUsd)} of ${formatUsd(payload.amountUsd)} spent (${period}).`;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
