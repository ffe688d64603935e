"use server";

import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { pageScope } from "@/lib/auth/scope";
import { createBillingSource } from "@/lib/billing/billing-sources";
import { recordSeat, removeSeat } from "@/lib/billing/seats";
import { syncBillingSource } from "@/lib/billing/sync-billing-source";
import { formatUsd } from "@/lib/format";

export interface BillingFormState {
  error: string | null;
  message: string | null;
}

function failure(error: unknown): BillingFormState {
  if (error instanceof ZodError)
    return {
      error: error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; "),
      message: null,
    };
  return { error: (error as Error).message, message: null };
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export async function addBillingSourceAction(_: BillingFormState, form: FormData): Promise<BillingFormState> {
  const scope = await pageScope("settings:manage");
  try {
    const source = await createBillingSource(scope, {
      provider: text(form, "provider"),
      name: text(form, "name"),
      adminKey: text(form, "adminKey"),
    });
    revalidatePath("/reconciliation");
    return { error: null, message: `Added ${source.name}. Sync it to pull the bill.` };
  } catch (error) {
    return failure(error);
  }
}

export async function syncBillingSourceAction(_: BillingFormState, form: FormData): Promise<BillingFormState> {
  const scope = await pageScope("settings:manage");
  try {
    const result = await syncBillingSource(scope, text(form, "sourceId"), {
      from: text(form, "from") || undefined,
      to: text(form, "to") || undefined,
    });
    return { error: null, message: `Synced ${result.days} days: ${formatUsd(result.billedUsd)} billed.` };
  } catch (error) {
    return failure(error);
  } finally {
    // A failed sync is recorded on the source too: the list shows it either way.
    revalidatePath("/reconciliation");
  }
}

export async function recordSeatAction(_: BillingFormState, form: FormData): Promise<BillingFormState> {
  const scope = await pageScope("settings:manage");
  try {
    await recordSeat(scope, {
      personId: text(form, "personId"),
      plan: text(form, "plan"),
      monthlyUsd: text(form, "monthlyUsd"),
    });
    revalidatePath("/reconciliation");
    return { error: null, message: "Seat recorded." };
  } catch (error) {
    return failure(error);
  }
}

export async function removeSeatAction(form: FormData): Promise<void> {
  const scope = await pageScope("settings:manage");
  await removeSeat(scope, text(form, "seatId"));
  revalidatePath("/reconciliation");
}
