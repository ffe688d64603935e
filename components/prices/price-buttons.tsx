"use client";

import { type PriceAction, PriceActionForm } from "./price-action-form";

/** Deletes a team price; its calls go back to the list price, or to unpriced. */
export function DeletePriceButton({
  action,
  overrideId,
  model,
}: {
  action: PriceAction;
  overrideId: string;
  model: string;
}) {
  return (
    <PriceActionForm action={action} testId={`delete-price-${model}`}>
      {(pending) => (
        <>
          <input type="hidden" name="overrideId" value={overrideId} />
          <button type="submit" className="secondary" disabled={pending}>
            {pending ? "Deleting…" : "Delete"}
          </button>
        </>
      )}
    </PriceActionForm>
  );
}

/** Prices every stored call again with today's price book (after an upgrade brought new list prices). */
export function RepriceAllButton({ action, disabled }: { action: PriceAction; disabled: boolean }) {
  return (
    <PriceActionForm action={action} testId="reprice-all">
      {(pending) => (
        <button type="submit" className="secondary" disabled={pending || disabled}>
          {pending ? "Starting…" : "Re-price all history"}
        </button>
      )}
    </PriceActionForm>
  );
}
