import bcrypt from "bcryptjs";
import { z } from "zod";

export const minPasswordLength = 10;

/**
 * bcrypt's work factor: 12 by default (a quarter to one second a hash on a server core). The test
 * suites set TRH_BCRYPT_COST=4: they sign in and create users hundreds of times, and on a slow
 * two-core machine cost 12 took over a second a hash. Hashes made with one cost verify under any.
 */
const costSchema = z.coerce.number().int().min(4).max(15).default(12);

function cost(): number {
  const parsed = costSchema.safeParse(process.env.TRH_BCRYPT_COST || undefined);
  if (!parsed.success) throw new Error("TRH_BCRYPT_COST must be a whole number from 4 to 15");
  return parsed.data;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, cost());
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

let unknownUser: Promise<string> | undefined;
/** Compared against when the email is unknown, so a wrong email takes as long as a wrong password. */
export function unknownUserHash(): Promise<string> {
  unknownUser ??= hashPassword("not a real password");
  return unknownUser;
}
