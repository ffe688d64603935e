import type { PersonSeats } from "@/lib/billing/seats";
import { formatUsd } from "@/lib/format";

/** The overview's seats: per person and in total, what the period's seats cost against the list-price value used. */
export function SeatValueSummary({ people, from, to }: { people: PersonSeats[]; from: string; to: string }) {
  const paid = people.reduce((sum, person) => sum + person.paidUsd, 0);
  const value = people.reduce((sum, person) => sum + person.apiValueUsd, 0);
  return (
    <section className="panel" data-testid="overview-seats">
      <div className="panel-head">
        <h2>Seats: paid against value used</h2>
        <a className="small" href={`/reconciliation?from=${from}&to=${to}`}>
          record seats
        </a>
      </div>
      <table>
        <thead>
          <tr>
            <th>Person</th>
            <th>Plans</th>
            <th className="num">Paid in period</th>
            <th className="num">API-list value used</th>
            <th>Pays for itself</th>
          </tr>
        </thead>
        <tbody>
          {people.map((person) => (
            <tr key={person.personId}>
              <td>{person.person}</td>
              <td>{person.plans.join(", ")}</td>
              <td className="num">{formatUsd(person.paidUsd)}</td>
              <td className="num">{formatUsd(person.apiValueUsd)}</td>
              <td>{person.apiValueUsd >= person.paidUsd ? "yes" : "no"}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th colSpan={2}>Total</th>
            <th className="num" data-testid="overview-seats-paid">
              {formatUsd(paid)}
            </th>
            <th className="num" data-testid="overview-seats-value">
              {formatUsd(value)}
            </th>
            <th />
          </tr>
        </tfoot>
      </table>
      <p className="small muted">
        Paid is prorated by day; value is each person&apos;s traced spend at list prices, whichever plan paid for it.
      </p>
    </section>
  );
}
