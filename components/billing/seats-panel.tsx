"use client";

import type { BillingFormState } from "@/lib/billing/actions";
import type { SeatValue } from "@/lib/billing/seats";
import { formatUsd } from "@/lib/format";
import { BillingForm } from "./billing-form";

type Action = (state: BillingFormState, form: FormData) => Promise<BillingFormState>;

/** What each person's seats cost in the period against the API-list value of what they used. */
export function SeatsPanel({
  seats,
  people,
  canManage,
  recordAction,
  removeAction,
}: {
  seats: SeatValue[];
  people: { id: string; name: string }[];
  canManage: boolean;
  recordAction: Action;
  removeAction: (form: FormData) => Promise<void>;
}) {
  const paid = seats.reduce((sum, seat) => sum + seat.paidUsd, 0);
  // A person's value is counted once however many seats they have.
  const valueByPerson = new Map(seats.map((seat) => [seat.personId, seat.apiValueUsd]));
  const value = [...valueByPerson.values()].reduce((sum, usd) => sum + usd, 0);
  return (
    <section className="panel" data-testid="seats">
      <h2>Seats and subscriptions</h2>
      {seats.length === 0 ? (
        <p className="muted">
          No seats recorded. Record what a person&apos;s plan costs to see whether it pays for itself.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Person</th>
              <th>Plan</th>
              <th className="num">Per month</th>
              <th className="num">Paid in period</th>
              <th className="num">API-list value used</th>
              <th>Pays for itself</th>
              {canManage ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {seats.map((seat) => (
              <tr key={seat.seatId}>
                <td>{seat.person}</td>
                <td>{seat.plan}</td>
                <td className="num">{formatUsd(seat.monthlyUsd)}</td>
                <td className="num">{formatUsd(seat.paidUsd)}</td>
                <td className="num">{formatUsd(seat.apiValueUsd)}</td>
                <td>{seat.apiValueUsd >= seat.paidUsd ? "yes" : "no"}</td>
                {canManage ? (
                  <td>
                    <form action={removeAction}>
                      <input type="hidden" name="seatId" value={seat.seatId} />
                      <button type="submit" className="link-button">
                        Remove
                      </button>
                    </form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th colSpan={3}>Total</th>
              <th className="num" data-testid="seats-paid">
                {formatUsd(paid)}
              </th>
              <th className="num" data-testid="seats-value">
                {formatUsd(value)}
              </th>
              <th colSpan={canManage ? 2 : 1} />
            </tr>
          </tfoot>
        </table>
      )}
      <p className="small muted">
        Paid is prorated by day (each day costs the monthly fee divided by its month&apos;s days); value is the
        person&apos;s traced spend at list prices.
      </p>
      {canManage ? (
        <BillingForm action={recordAction} testId="record-seat">
          {(pending) => (
            <>
              <label>
                Person
                <select name="personId" required defaultValue="">
                  <option value="" disabled>
                    choose…
                  </option>
                  {people.map((person) => (
                    <option key={person.id} value={person.id}>
                      {person.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Plan
                <input name="plan" required maxLength={100} placeholder="Claude Max" />
              </label>
              <label>
                Monthly cost (USD)
                <input name="monthlyUsd" type="number" min="0" step="0.01" required />
              </label>
              <button type="submit" disabled={pending}>
                Record seat
              </button>
            </>
          )}
        </BillingForm>
      ) : null}
    </section>
  );
}
