"use server";

import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { pageScope } from "@/lib/auth/scope";
import { formatInteger } from "@/lib/format";
import { HttpError } from "@/lib/http/errors";
import { deletePriceOverride, repriceAllHistory, setPriceOverride } from "./manage";

export interface PriceFormState {
  error: string | null;
  message: string | null;
  /** What was sent, when refused: the form shows it again instead of emptying its fields. */
  values?: Record<string, string>;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

/**
 * Validation and refusals become a message on the form, which shows what was sent again;
 * anything else is a real failure.
 */
async function attempt(form: FormData, work: () => Promise<string>): Promise<PriceFormState> {
  const values = Object.fromEntries([...form.entries()].map(([name, value]) => [name, String(value)]));
  try {
    const message = await work();
    revalidatePath("/settings/prices");
    return { error: null, message };
  } catch (error) {
    if (error instanceof ZodError)
      return {
        error: error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; "),
        message: null,
        values,
      };
    if (error instanceof HttpError) return { error: error.message, message: null, values };
    throw error;
  }
}

const repricing = (calls: number) =>
  calls === 0 ? "No stored call is affected." : `Re-pricing ${formatInteger(calls)} calls and their totals.`;

/** The form's fields as lib/pricing/override-input.ts's body (the schema checks them). */
function overrideBody(form: FormData) {
  const kind = text(form, "kind");
  return {
    model: text(form, "model"),
    from: text(form, "from"),
    until: text(form, "until") || null,
    price:
      kind === "discount"
        ? { kind, percent: text(form, "percent") }
        : {
            kind,
            input: text(form, "input"),
            cacheWrite5m: text(form, "cacheWrite5m"),
            cacheWrite1h: text(form, "cacheWrite1h"),
            cacheRead: text(form, "cacheRead"),
            output: text(form, "output"),
          },
  };
}

export async function savePriceAction(_state: PriceFormState, form: FormData): Promise<PriceFormState> {
  return attempt(form, async () => {
    const id = text(form, "overrideId") || undefined;
    const { override, job } = await setPriceOverride(await pageScope(), overrideBody(form), id);
    return `Saved the price of ${override?.model}. ${repricing(job.total)}`;
  });
}

export async function deletePriceAction(_state: PriceFormState, form: FormData): Promise<PriceFormState> {
  return attempt(form, async () => {
    const { job } = await deletePriceOverride(await pageScope(), text(form, "overrideId"));
    return `Deleted. ${repricing(job.total)}`;
  });
}

export async function repriceAllAction(_state: PriceFormState, form: FormData): Promise<PriceFormState> {
  return attempt(form, async () => {
    const { job } = await repriceAllHistory(await pageScope());
    return repricing(job.total);
  });
}
