"use client";

import { deleteBudgetAction, sendTestAction, setTimeZoneAction } from "@/lib/budgets/actions";
import { BudgetActionForm } from "./budget-actions";

/** Sends a test message to each of the budget's channels now; the answer says how many arrived. */
export function SendTestButton({ budgetId }: { budgetId: string }) {
  return (
    <BudgetActionForm action={sendTestAction} testId="budget-send-test">
      {(pending) => (
        <>
          <input type="hidden" name="budgetId" value={budgetId} />
          <button type="submit" className="secondary" disabled={pending}>
            {pending ? "Sending…" : "Send test"}
          </button>
        </>
      )}
    </BudgetActionForm>
  );
}

export function DeleteBudgetButton({ budgetId }: { budgetId: string }) {
  return (
    <BudgetActionForm action={deleteBudgetAction}>
      {(pending) => (
        <>
          <input type="hidden" name="budgetId" value={budgetId} />
          <button type="submit" className="danger" disabled={pending}>
            Delete
          </button>
        </>
      )}
    </BudgetActionForm>
  );
}

/** The team's time zone: where budget days, weeks, months and quarters begin. */
export function TimeZoneForm({ timeZone }: { timeZone: string }) {
  return (
    <BudgetActionForm action={setTimeZoneAction} testId="budget-time-zone">
      {(pending) => (
        <>
          <label>
            Team time zone (IANA name)
            <input name="timeZone" defaultValue={timeZone} maxLength={64} required placeholder="Europe/Berlin" />
          </label>
          <button type="submit" className="secondary" disabled={pending}>
            Set
          </button>
        </>
      )}
    </BudgetActionForm>
  );
}
