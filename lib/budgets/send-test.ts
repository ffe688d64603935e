/** The page's "send test" button: one test message to each of a budget's channels, sent now and logged. */
import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { alertPayload } from "./alert-payload";
import { getBudgetState } from "./budgets";
import { deliverDueAlerts } from "./deliver";

export async function sendTestMessage(
  scope: Scope,
  budgetId: string,
): Promise<{ channels: number; delivered: number }> {
  const state = await getBudgetState(scope, budgetId);
  const channels = await db().budgetChannel.findMany({ where: { teamId: scope.teamId, budgetId: state.id } });
  if (channels.length === 0) return { channels: 0, delivered: 0 };
  const payload = alertPayload(state, "budget.test", null) as unknown as Prisma.InputJsonValue;
  const created = await db().budgetDelivery.createManyAndReturn({
    data: channels.map((channel) => ({
      teamId: scope.teamId,
      budgetId: state.id,
      channelId: channel.id,
      event: "budget.test",
      payload,
    })),
    select: { id: true },
  });
  await deliverDueAlerts({ teamId: scope.teamId });
  const delivered = await db().budgetDelivery.count({
    where: { teamId: scope.teamId, id: { in: created.map((row) => row.id) }, status: "delivered" },
  });
  return { channels: channels.length, delivered };
}
