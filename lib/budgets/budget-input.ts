/** What POST and PATCH /api/v1/budgets (and the budget form) accept, validated with zod. */
import { z } from "zod";
import { budgetPeriods } from "./periods";
import { budgetScopeKinds } from "./spend";

/** Postgres text cannot hold NUL: refused here with a 400 rather than failing in the database. */
const noNul = (value: string) => !value.includes("\u0000");
const text = (max: number) => z.string().trim().min(1).max(max).refine(noNul, "no NUL characters");

const httpUrl = z
  .url({ protocol: /^https?$/, error: "an http or https URL" })
  .max(2000)
  .refine(noNul, "no NUL characters");

export const channelInputSchema = z.union([
  z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("webhook"),
      url: httpUrl,
      secret: z.string().min(1).max(500).refine(noNul, "no NUL characters").optional(),
    }),
    z.object({ kind: z.literal("slack"), url: httpUrl }),
    z.object({ kind: z.literal("email"), to: z.email().max(320) }),
  ]),
  /** An existing channel of the budget, kept as it is (the form does not see secrets again). */
  z.object({ id: z.uuid() }).strict(),
]);
export type ChannelInput = z.infer<typeof channelInputSchema>;

const scopeSchema = z
  .object({ kind: z.enum(budgetScopeKinds), value: text(320).nullish() })
  .refine(
    (scope) => (scope.kind === "team") === (scope.value == null),
    "scope.value is null for the team and required for owner, project, task and model",
  );

const fields = {
  name: text(200),
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

export const createBudgetSchema = z.object({
  ...fields,
  thresholds: fields.thresholds.default([50, 80, 100]),
  channels: fields.channels.default([]),
});
export const updateBudgetSchema = z.object(fields).partial();

export type CreateBudgetInput = z.output<typeof createBudgetSchema>;
export type UpdateBudgetInput = z.output<typeof updateBudgetSchema>;
