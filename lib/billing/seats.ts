/**
 * Subscription seats: what a team pays per person per month for a plan (a Claude Max or Team
 * seat, a Cursor or Copilot seat), against the API-list value of what that person used (their
 * traced spend, priced at list prices, from the DailySpend rollup by owner). A seat whose value
 * exceeds its cost pays for itself.
 *
 * Paid in a range is prorated by calendar day: each day costs monthlyUsd / days in its month.
 */
import { z } from "zod";
import type { Scope } from "@/lib/auth/scope";
import { dayStart } from "@/lib/days";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";
import { teamDb } from "@/lib/db/team-db";
import { Prisma } from "@/lib/generated/prisma/client";
import { notFound } from "@/lib/http/errors";
import { type DayRange, daysOf } from "./provider-pull";

const d = table("DailySpend", "d");
const p = table("Person", "p");
const sSeat = table("Seat", "s");

export const seatSchema = z.object({
  personId: z.uuid(),
  plan: z.string().trim().min(1).max(100),
  monthlyUsd: z.coerce.number().min(0).max(1_000_000),
});

export async function recordSeat(scope: Scope, input: z.input<typeof seatSchema>): Promise<void> {
  const seat = seatSchema.parse(input);
  const person = await teamDb(scope).person.findFirst({ where: { id: seat.personId }, select: { id: true } });
  if (!person) throw notFound("person");
  await db().seat.upsert({
    where: { teamId_personId_plan: { teamId: scope.teamId, personId: seat.personId, plan: seat.plan } },
    create: { teamId: scope.teamId, personId: seat.personId, plan: seat.plan, monthlyUsd: seat.monthlyUsd },
    update: { monthlyUsd: seat.monthlyUsd },
  });
}

export async function removeSeat(scope: Scope, seatId: string): Promise<void> {
  if (!z.uuid().safeParse(seatId).success) throw notFound("seat");
  await teamDb(scope).seat.deleteMany({ where: { id: seatId } });
}

export interface SeatValue {
  seatId: string;
  personId: string;
  person: string;
  plan: string;
  monthlyUsd: number;
  /** Prorated cost of the seat over the range. */
  paidUsd: number;
  /** List-price value of the person's traced spend over the range (all of it, whichever plan paid). */
  apiValueUsd: number;
}

function daysInMonth(day: string): number {
  const [year, month] = day.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The share of one month's fee the range covers, exactly: sum over its days of 1 / days in that month. */
export function monthsCovered(range: DayRange): Prisma.Decimal {
  return daysOf(range).reduce(
    (sum, day) => sum.plus(new Prisma.Decimal(1).div(daysInMonth(day))),
    new Prisma.Decimal(0),
  );
}

export async function seatValues(scope: Pick<Scope, "teamId">, range: DayRange): Promise<SeatValue[]> {
  const from = dayStart(range.from);
  const to = dayStart(range.to);
  const rows = await db().$queryRaw<
    { seatId: string; personId: string; person: string; plan: string; monthlyUsd: string; apiValueUsd: string }[]
  >`
    SELECT ${sSeat.id} AS "seatId", ${sSeat.personId}, coalesce(${p.email}, ${p.displayName}) AS person, ${sSeat.plan}, ${sSeat.monthlyUsd}::text AS "monthlyUsd",
      coalesce((SELECT sum(${d.costUsd}) FROM ${d.$}
                WHERE ${d.teamId} = ${sSeat.teamId} AND ${d.ownerId} = ${sSeat.personId}::text AND ${d.day} BETWEEN ${from}::date AND ${to}::date), 0)::text AS "apiValueUsd"
    FROM ${sSeat.$} JOIN ${p.$} ON ${p.teamId} = ${sSeat.teamId} AND ${p.id} = ${sSeat.personId}
    WHERE ${sSeat.teamId} = ${scope.teamId}::uuid
    ORDER BY person, ${sSeat.plan}`;
  const months = monthsCovered(range);
  return rows.map((row) => ({
    seatId: row.seatId,
    personId: row.personId,
    person: row.person,
    plan: row.plan,
    monthlyUsd: Number(row.monthlyUsd),
    paidUsd: new Prisma.Decimal(row.monthlyUsd).times(months).toNumber(),
    apiValueUsd: Number(row.apiValueUsd),
  }));
}

export interface PersonSeats {
  personId: string;
  person: string;
  plans: string[];
  paidUsd: number;
  /** The person's value once, however many seats they have. */
  apiValueUsd: number;
}

/** Seats per person (what the overview shows): plans together, paid summed, value once. */
export function seatsByPerson(seats: SeatValue[]): PersonSeats[] {
  const people = new Map<string, PersonSeats>();
  for (const seat of seats) {
    const person = people.get(seat.personId) ?? {
      personId: seat.personId,
      person: seat.person,
      plans: [],
      paidUsd: 0,
      apiValueUsd: seat.apiValueUsd,
    };
    person.plans.push(seat.plan);
    person.paidUsd += seat.paidUsd;
    people.set(seat.personId, person);
  }
  return [...people.values()];
}
