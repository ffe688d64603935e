/**
 * AUTH_SECRET signs session cookies. When the environment does not set one, a random secret is
 * generated on first use and kept in the data directory, so sessions survive restarts without
 * any set-up.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "@/lib/db/config";

export function authSecret(): string {
  const fromEnv = process.env.AUTH_SECRET?.trim();
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir(), "auth-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(dataDir(), { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    // wx: if two processes race, one write fails and both read the winner's secret.
    try {
      writeFileSync(file, secret, { flag: "wx", mode: 0o600 });
    } catch {
      return readFileSync(file, "utf8").trim();
    }
    return secret;
  }
}
