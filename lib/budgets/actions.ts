"use server";

import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { assertMay } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { createBudgetSchema, updateBudgetSchema } from "@/lib/budgets/budget-input";
import { createBudget, deleteBudget, setTeamTimeZone, updateBudget } from "@/lib/budgets/budgets";
import { sendTestMessage } from "@/lib/budgets/send-test";
import { HttpError } from "@/lib/http/errors";

export interface BudgetFormState {
  error: string | null;
  message: string | null;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

async function admin() {
  const scope = await pageScope();
  assertMay(scope, "settings:manage", "changing budgets needs an admin, or a key of scope all");
  return scope;
}

/** Validation and refusals become a message on the form; anything else is a real failure. */
async function attempt(work: () => Promise<string>): Promise<BudgetFormState> {
  try {
    const message = await work();
    revalidatePath("/budgets");
    return { error: null, message };
  } catch (error) {
    if (error instanceof ZodError)
      return {
        error: error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; "),
        message: null,
      };
    if (error instanceof HttpError) return { error: error.message, message: null };
    throw error;
  }
}

/** The form's fields as the API's budget body. */
function budgetBody(form: FormData) {
  const kind = text(form, "scopeKind");
  const channels: unknown[] = form.getAll("keepChannel").map((id) => ({ id: String(id) }));
  if (text(form, "webhookUrl"))
    channels.push({
      kind: "webhook",
      url: text(form, "webhookUrl"),
      ...(text(form, "webhookSecret") ? { secret: text(form, "webhookSecret") } : {}),
    });
  if (text(form, "slackUrl")) channels.push({ kind: "slack", url: text(form, "slackUrl") });
  if (text(form, "emailTo")) channels.push({ kind: "email", to: text(form, "emailTo") });
  return {
    name: text(form, "name"),
    scope: { kind, value: kind === "team" ? null : text(form, "scopeValue") || undefined },
    period: text(form, "period"),
    amountUsd: Number(text(form, "amountUsd")),
    // "50, 80, 100": the field is at most 100 characters (maxLength), split on commas and spaces.
    thresholds: text(form, "thresholds")
      .slice(0, 100)
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number),
    channels,
  };
}

export async function saveBudgetAction(_state: BudgetFormState, form: FormData): Promise<BudgetFormState> {
  return attempt(async () => {
    const scope = await admin();
    const id = text(form, "budgetId");
    if (id) {
      const budget = await updateBudget(scope, id, updateBudgetSchema.parse(budgetBody(form)));
      return `Saved "${budget.name}".`;
    }
    const budget = await createBudget(scope, createBudgetSchema.parse(budgetBody(form)));
    return `Created "${budget.name}".`;
  });
}

export async function deleteBudgetAction(_state: BudgetFormState, form: FormData): Promise<BudgetFormState> {
  return attempt(async () => {
    await deleteBudget(await admin(), text(form, "budgetId"));
    return "Deleted.";
  });
}

export async function sendTestAction(_state: BudgetFormState, form: FormData): Promise<BudgetFormState> {
  return attempt(async () => {
    const { channels, delivered } = await sendTestMessage(await admin(), text(form, "budgetId"));
    if (channels === 0) return "This budget has no channels to test.";
    return `Test sent: ${delivered} of ${channels} channels delivered${delivered < channels ? " (the others are retried; see the delivery log)" : ""}.`;
  });
}

export async function setTimeZoneAction(_state: BudgetFormState, form: FormData): Promise<BudgetFormState> {
  return attempt(async () => {
    const zone = text(form, "timeZone");
    await setTeamTimeZone(await admin(), zone);
    return `Budget periods now follow ${zone}.`;
  });
}
