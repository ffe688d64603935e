import bcrypt from "bcryptjs";

const cost = 12;
export const minPasswordLength = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/** Compared against when the email is unknown, so a wrong email takes as long as a wrong password. */
export const unknownUserHash = bcrypt.hashSync("not a real password", cost);
