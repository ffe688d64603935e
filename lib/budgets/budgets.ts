/**
 * Budgets of a team: list with their current state, create, change, delete, and the team's time
 * zone that periods follow. Every operation is pinned to the caller's team (teamDb); another team's
 * ids answer 404.
 */
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { teamDb } from "@/lib/db/team-db";
import type { BudgetChannel } from "@/lib/generated/prisma/client";
import { badRequest, notFound } from "@/lib/http/errors";
import type { ChannelInput, CreateBudgetInput, UpdateBudgetInput } from "./budget-input";
import { type BudgetState, budgetState } from "./budget-state";
import { isTimeZone } from "./periods";

export async function teamTimeZone(teamId: string): Promise<string> {
  const team = await db().team.findUnique({ where: { id: teamId }, select: { timeZone: true } });
  return team?.timeZone ?? "UTC";
}

export async function setTeamTimeZone(scope: Scope, timeZone: string): Promise<void> {
  if (!isTimeZone(timeZone))
    throw badRequest(`unknown time zone "${timeZone.slice(0, 64)}": use an IANA name such as Europe/Berlin, or UTC`);
  await db().team.update({ where: { id: scope.teamId }, data: { timeZone } });
}

/** Every budget of the team with its current state; owner budgets only when `withOwners`. */
export async function listBudgetStates(
  scope: Scope,
  { withOwners, now = new Date(), pastPeriods = 0 }: { withOwners: boolean; now?: Date; pastPeriods?: number },
): Promise<BudgetState[]> {
  const [budgets, timeZone] = await Promise.all([
    teamDb(scope).budget.findMany({
      where: withOwners ? {} : { scopeKind: { not: "owner" } },
      orderBy: { createdAt: "asc" },
    }),
    teamTimeZone(scope.teamId),
  ]);
  return Promise.all(budgets.map((budget) => budgetState(db(), scope.teamId, budget, timeZone, now, pastPeriods)));
}

export async function getBudgetState(scope: Scope, id: string, now = new Date()): Promise<BudgetState> {
  const budget = await findBudget(scope, id);
  return budgetState(db(), scope.teamId, budget, await teamTimeZone(scope.teamId), now);
}

/** The fields of the API's budget object (docs/CONTRACT.md), nothing else. */
export function budgetJson(state: BudgetState) {
  const { id, name, scope, period, amountUsd, thresholds, periodStart, periodEnd, spentUsd, forecastUsd, status } =
    state;
  return { id, name, scope, period, amountUsd, thresholds, periodStart, periodEnd, spentUsd, forecastUsd, status };
}

export async function createBudget(scope: Scope, input: CreateBudgetInput): Promise<BudgetState> {
  await checkScopeTarget(scope, input.scope);
  if (input.channels.some((channel) => "id" in channel))
    throw badRequest("a new budget has no channels to keep: give each channel's kind");
  const budget = await teamDb(scope).budget.create({
    data: {
      teamId: scope.teamId,
      name: input.name,
      scopeKind: input.scope.kind,
      scopeValue: input.scope.value ?? null,
      period: input.period,
      amountUsd: input.amountUsd.toString(),
      thresholds: input.thresholds,
      channels: {
        create: input.channels.map((channel) => channelData(channel as Exclude<ChannelInput, { id: string }>)),
      },
    },
  });
  return getBudgetState(scope, budget.id);
}

export async function updateBudget(scope: Scope, id: string, input: UpdateBudgetInput): Promise<BudgetState> {
  const budget = await findBudget(scope, id);
  if (input.scope) await checkScopeTarget(scope, input.scope);
  await db().$transaction(async (tx) => {
    await tx.budget.update({
      where: { teamId_id: { teamId: scope.teamId, id: budget.id } },
      data: {
        name: input.name,
        scopeKind: input.scope?.kind,
        scopeValue: input.scope ? (input.scope.value ?? null) : undefined,
        period: input.period,
        amountUsd: input.amountUsd?.toString(),
        thresholds: input.thresholds,
      },
    });
    if (input.channels) {
      // The list replaces the budget's channels; {"id"} keeps one as it is.
      const keep = input.channels.flatMap((channel) => ("id" in channel ? [channel.id] : []));
      const existing = await tx.budgetChannel.findMany({
        where: { teamId: scope.teamId, budgetId: budget.id },
        select: { id: true },
      });
      const unknown = keep.filter((keptId) => !existing.some((channel) => channel.id === keptId));
      if (unknown.length > 0) throw badRequest(`channel ${unknown[0]} is not one of this budget's`);
      await tx.budgetChannel.deleteMany({ where: { teamId: scope.teamId, budgetId: budget.id, id: { notIn: keep } } });
      const added = input.channels.filter(
        (channel): channel is Exclude<ChannelInput, { id: string }> => !("id" in channel),
      );
      if (added.length > 0)
        await tx.budgetChannel.createMany({
          data: added.map((channel) => ({ ...channelData(channel), teamId: scope.teamId, budgetId: budget.id })),
        });
    }
  });
  return getBudgetState(scope, budget.id);
}

export async function deleteBudget(scope: Scope, id: string): Promise<void> {
  const budget = await findBudget(scope, id);
  await teamDb(scope).budget.deleteMany({ where: { id: budget.id } });
}

/** A channel as the page shows it: where it goes, never its secret. */
export interface ChannelView {
  id: string;
  kind: string;
  target: string;
  signed: boolean;
}

export async function budgetChannels(scope: Scope, budgetId: string): Promise<ChannelView[]> {
  const channels = await teamDb(scope).budgetChannel.findMany({ where: { budgetId }, orderBy: { createdAt: "asc" } });
  return channels.map(channelView);
}

export function channelView(channel: BudgetChannel): ChannelView {
  // A Slack incoming-webhook URL is itself the credential: show only where it points.
  const target =
    channel.kind === "email"
      ? (channel.to ?? "")
      : channel.kind === "slack"
        ? `${new URL(channel.url ?? "http://invalid").origin}/…`
        : (channel.url ?? "");
  return { id: channel.id, kind: channel.kind, target, signed: Boolean(channel.secret) };
}

async function findBudget(scope: Scope, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound("budget");
  const budget = await teamDb(scope).budget.findFirst({ where: { id } });
  if (!budget) throw notFound("budget");
  return budget;
}

function channelData(channel: Exclude<ChannelInput, { id: string }>) {
  switch (channel.kind) {
    case "webhook":
      return { kind: "webhook", url: channel.url, secret: channel.secret ?? null };
    case "slack":
      return { kind: "slack", url: channel.url };
    case "email":
      return { kind: "email", to: channel.to };
  }
}

/** An owner, project or task budget must name one of the team's (by id). */
async function checkScopeTarget(scope: Scope, target: { kind: string; value?: string | null }): Promise<void> {
  if (target.kind === "team" || target.kind === "model") return;
  const id = target.value ?? "";
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const t = teamDb(scope);
  const found = !isUuid
    ? null
    : target.kind === "owner"
      ? await t.person.findFirst({ where: { id } })
      : target.kind === "project"
        ? await t.project.findFirst({ where: { id } })
        : await t.task.findFirst({ where: { id } });
  if (!found)
    throw badRequest(
      `scope.value must be the id of one of the team's ${target.kind === "owner" ? "people" : `${target.kind}s`}`,
    );
}
