"use client";

import { useState } from "react";
import type { PriceOverrideRow } from "@/lib/pricing/overrides";
import { type PriceAction, PriceActionForm } from "./price-action-form";

const RATE_FIELDS = [
  ["input", "Input"],
  ["cacheWrite5m", "Cache write 5m"],
  ["cacheWrite1h", "Cache write 1h"],
  ["cacheRead", "Cache read"],
  ["output", "Output"],
] as const;

const DAY_PATTERN = "\\d{4}-\\d{2}-\\d{2}";

/**
 * Sets a team price: a new one, an existing one (`override`), or the one-step price of an
 * unpriced model (`model` fixed, rates only: there is no list price to discount). Admins only;
 * the server action checks again.
 */
export function PriceForm({
  action,
  models,
  override,
  model,
  from,
  testId,
}: {
  action: PriceAction;
  /** Model names the team used, offered as suggestions. */
  models: string[];
  override?: PriceOverrideRow;
  model?: string;
  /** The first day to suggest (an unpriced model's first day). */
  from?: string;
  testId?: string;
}) {
  const fixedModel = model ?? null;
  const [kind, setKind] = useState<"rates" | "discount">(override?.price.kind ?? "rates");
  const rates = override?.price.kind === "rates" ? override.price : null;
  const listId = `models-${testId ?? "price"}`;
  return (
    <PriceActionForm action={action} testId={testId} className="inline price-form">
      {(pending, sent) => (
        <>
          {override ? <input type="hidden" name="overrideId" value={override.id} /> : null}
          {fixedModel !== null ? (
            <input type="hidden" name="model" value={fixedModel} />
          ) : (
            <label>
              Model (exact, or a prefix ending in *)
              <input
                name="model"
                required
                maxLength={512}
                list={listId}
                defaultValue={sent?.model ?? override?.model}
                placeholder="claude-sonnet-4-5"
              />
              <datalist id={listId}>
                {models.map((name) => (
                  <option key={name} value={name} />
                ))}
              </datalist>
            </label>
          )}
          {fixedModel === null ? (
            <label>
              Price
              <select
                name="kind"
                value={kind}
                onChange={(event) => setKind(event.target.value === "discount" ? "discount" : "rates")}
              >
                <option value="rates">per-token prices</option>
                <option value="discount">a discount on the list price</option>
              </select>
            </label>
          ) : (
            <input type="hidden" name="kind" value="rates" />
          )}
          {kind === "discount" ? (
            <label>
              Discount (%)
              <input
                name="percent"
                required
                inputMode="decimal"
                defaultValue={
                  sent?.percent ?? (override?.price.kind === "discount" ? override.price.percent : undefined)
                }
                placeholder="12.5"
              />
            </label>
          ) : (
            RATE_FIELDS.map(([name, label]) => (
              <label key={name}>
                {label} ($/M)
                <input
                  name={name}
                  required
                  inputMode="decimal"
                  size={9}
                  defaultValue={sent?.[name] ?? rates?.[name]}
                  placeholder="0"
                />
              </label>
            ))
          )}
          <label>
            From (UTC day)
            <input
              name="from"
              required
              pattern={DAY_PATTERN}
              placeholder="YYYY-MM-DD"
              size={11}
              defaultValue={sent?.from ?? override?.from ?? from}
            />
          </label>
          <label>
            Until (inclusive, optional)
            <input
              name="until"
              pattern={DAY_PATTERN}
              placeholder="YYYY-MM-DD"
              size={11}
              defaultValue={sent?.until ?? override?.until ?? undefined}
            />
          </label>
          <button type="submit" disabled={pending}>
            {pending ? "Saving…" : override ? "Save" : fixedModel !== null ? "Set price" : "Add price"}
          </button>
        </>
      )}
    </PriceActionForm>
  );
}
