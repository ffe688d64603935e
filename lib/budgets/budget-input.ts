/** What POST and PATCH /api/v1/budgets (and the budget form) accept, validated with zod. */
import { z } from "zod";
import { budgetPeriods } from "./periods";
import { budgetScopeKinds } from "./spend";

const httpUrl = z
  .url({ protocol: /^https?$/, error: "an http or https URL" })
  .max(2000);

export const channelInputSchema = z.union([
  z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("webhook"), url: httpUrl, secret: z.string().min(1).max(500).optional() }),
    z.object({ kind: z.literal("slack"), url: httpUrl }),
    z.object({ kind: z.literal("email"), to: z.email().max(320) }),
  ]),
  /** An existing channel of the budget, kept as it is (the form does not see secrets again). */
  z.object({ id: z.uuid() }).strict(),
]);
export type ChannelInput = z.infer<typeof channelInputSchema>;

const scopeSchema = z
  .object({ kind: z.enum(budgetScopeKinds), value: z.string().trim().min(1).max(320).nullish() })
  .refine((scope) => (scope.kind === "team") === (scope.value == null), "scope.value is null for the team and required for owner, project, task and model");

const fields = {
  name: z.string().trim().min(1).max(200),
  scope: scopeSchema,
  period: z.enum(budgetPeriods),
  amountUsd: z.number().positive().max(1e12),
  /** Percents of the amount; each alerts once per period. */
  thresholds: z
    .array(z.number().int().min(1).max(1000))
    .min(1)
    .max(10)
    .transform((values) => [...new Set(values)].sort((a, b) => a - b)),
  channels: z.array(channelInputSchema).max(10),
};

export const createBudgetSchema = z.object({ ...fields, thresholds: fields.thresholds.default([50, 80, 100]), channels: fields.channels.default([]) });
export const updateBudgetSchema = z.object(fields).partial();

export type CreateBudgetInput = z.output<typeof createBudgetSchema>;
export type UpdateBudgetInput = z.output<typeof updateBudgetSchema>;
