/**
 * Evaluating budgets: which alerts are due now, each claimed once in the database and queued for
 * every channel of its budget in the same transaction. The claim is an INSERT into BudgetAlert
 * with ON CONFLICT DO NOTHING on (team, budget, period, threshold, event, subject): however many
 * evaluators run at once (after each ingest, on the schedule, in several server processes), one
 * insert wins and only the winner queues deliveries.
 */

import { addDays, todayUtc } from "@/lib/days";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import type { BudgetChannel, Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { type AlertEvent, type AlertPayload, alertPayload } from "./alert-payload";
import { type BudgetState, budgetState } from "./budget-state";
import { deliverDueAlerts } from "./deliver";
import { crossedThresholds, isSpike, SPIKE_BASELINE_DAYS, SPIKE_FACTOR } from "./forecast";
import { subjectDailySpend } from "./spend";

const BudgetAlertTable = table("BudgetAlert");

interface Options {
  now?: Date;
  database?: PrismaClient;
}

/** Claims and queues the alerts due for the team's budgets; returns how many this call claimed. */
export async function evaluateTeamBudgets(
  teamId: string,
  { now = new Date(), database = db() }: Options = {},
): Promise<{ alerts: number }> {
  const [budgets, team] = await Promise.all([
    database.budget.findMany({ where: { teamId }, include: { channels: true } }),
    database.team.findUnique({ where: { id: teamId }, select: { timeZone: true } }),
  ]);
  let alerts = 0;
  for (const budget of budgets) {
    const state = await budgetState(database, teamId, budget, team?.timeZone ?? "UTC", now);
    const claim = async (
      event: AlertEvent,
      threshold: number,
      payload: AlertPayload,
      periodStart = state.periodStart,
      subject = "",
    ) => {
      if (
        await claimAlert(database, teamId, budget.id, budget.channels, {
          periodStart,
          threshold,
          event,
          subject,
          payload,
        })
      )
        alerts += 1;
    };
    for (const threshold of crossedThresholds(state.spentUsd, state.amountUsd, state.thresholds)) {
      await claim("budget.threshold_crossed", threshold, alertPayload(state, "budget.threshold_crossed", threshold));
    }
    if (state.forecastUsd !== null && state.forecastUsd > state.amountUsd && state.spentUsd < state.amountUsd) {
      await claim("budget.forecast_exceeded", 100, alertPayload(state, "budget.forecast_exceeded", 100));
    }
    for (const spike of await spikes(database, teamId, state, now)) {
      await claim(
        "spend.spike",
        SPIKE_FACTOR * 100,
        alertPayload(state, "spend.spike", SPIKE_FACTOR * 100, spike),
        spike.day,
        `${spike.kind}:${spike.id}`,
      );
    }
  }
  return { alerts };
}

async function claimAlert(
  database: PrismaClient,
  teamId: string,
  budgetId: string,
  channels: BudgetChannel[],
  alert: { periodStart: string; threshold: number; event: AlertEvent; subject: string; payload: AlertPayload },
): Promise<boolean> {
  return database.$transaction(async (tx) => {
    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO ${BudgetAlertTable.$} (${BudgetAlertTable.teamId}, ${BudgetAlertTable.budgetId}, ${BudgetAlertTable.periodStart}, ${BudgetAlertTable.thresholdPercent}, ${BudgetAlertTable.event}, ${BudgetAlertTable.subject}, ${BudgetAlertTable.payload})
      VALUES (${teamId}::uuid, ${budgetId}::uuid, ${alert.periodStart}::date, ${alert.threshold}, ${alert.event}, ${alert.subject}, ${JSON.stringify(alert.payload)}::jsonb)
      ON CONFLICT (${BudgetAlertTable.teamId}, ${BudgetAlertTable.budgetId}, ${BudgetAlertTable.periodStart}, ${BudgetAlertTable.thresholdPercent}, ${BudgetAlertTable.event}, ${BudgetAlertTable.subject}) DO NOTHING
      RETURNING ${BudgetAlertTable.id}::text AS id`;
    const alertId = inserted[0]?.id;
    if (!alertId) return false;
    if (channels.length > 0) {
      await tx.budgetDelivery.createMany({
        data: channels.map((channel) => ({
          teamId,
          budgetId,
          channelId: channel.id,
          alertId,
          event: alert.event,
          payload: alert.payload as unknown as Prisma.InputJsonValue,
        })),
      });
    }
    return true;
  });
}

/**
 * Owners' and projects' spikes yesterday and today (UTC days, as the rollup keeps them) within the
 * budget's scope: the team's budgets watch everyone, an owner's or project's budget watches them.
 */
async function spikes(database: PrismaClient, teamId: string, state: BudgetState, now: Date) {
  const dimensions: ("owner" | "project")[] =
    state.scope.kind === "team"
      ? ["owner", "project"]
      : state.scope.kind === "owner" || state.scope.kind === "project"
        ? [state.scope.kind]
        : [];
  const today = todayUtc(now);
  const days = [addDays(today, -1), today];
  const found: {
    kind: "owner" | "project";
    id: string;
    name: string;
    day: string;
    medianUsd: number;
    spentUsd: number;
  }[] = [];
  for (const dimension of dimensions) {
    const rows = await subjectDailySpend(
      database,
      teamId,
      dimension,
      state.scope.kind === "team" ? null : state.scope.value,
      addDays(days[0]!, -SPIKE_BASELINE_DAYS),
      today,
    );
    const bySubject = new Map<string, { name: string; spend: Map<string, number> }>();
    for (const row of rows) {
      const subject = bySubject.get(row.id) ?? { name: row.name, spend: new Map() };
      subject.spend.set(row.day, row.costUsd);
      bySubject.set(row.id, subject);
    }
    for (const [id, subject] of bySubject) {
      for (const day of days) {
        const spentUsd = subject.spend.get(day) ?? 0;
        const baseline = Array.from(
          { length: SPIKE_BASELINE_DAYS },
          (_, i) => subject.spend.get(addDays(day, i - SPIKE_BASELINE_DAYS)) ?? 0,
        );
        const { spike, medianUsd } = isSpike(spentUsd, baseline);
        if (spike) found.push({ kind: dimension, id, name: subject.name, day, medianUsd, spentUsd });
      }
    }
  }
  return found;
}

/**
 * After an ingest batch that added spend has committed: evaluate the team's budgets, then send
 * what was queued: in the background inside the server (an upload's answer does not wait on a
 * slow receiver), awaited elsewhere (`trh import` closes the database when it is done). Never
 * throws: alerts must not fail an ingest (the schedule evaluates again within a minute).
 */
export async function evaluateBudgetsAfterIngest(teamId: string): Promise<void> {
  try {
    if ((await db().budget.count({ where: { teamId } })) === 0) return;
    const { alerts } = await evaluateTeamBudgets(teamId);
    if (alerts === 0) return;
    const sending = deliverDueAlerts({ teamId }).catch((error: unknown) =>
      console.error("budget alert delivery failed:", error),
    );
    if (process.env.NEXT_RUNTIME !== "nodejs") await sending;
  } catch (error) {
    console.error("budget evaluation after ingest failed:", error);
  }
}

/** Every team that has budgets: what the schedule runs. */
export async function evaluateAllBudgets(options: Options = {}): Promise<void> {
  const database = options.database ?? db();
  const teams = await database.budget.findMany({ distinct: ["teamId"], select: { teamId: true } });
  for (const { teamId } of teams) {
    try {
      await evaluateTeamBudgets(teamId, options);
    } catch (error) {
      console.error(`budget evaluation of team ${teamId} failed:`, error);
    }
  }
}
