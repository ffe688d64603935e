/**
 * API keys: `trh_<prefix>_<secret>`. The prefix is stored in clear (to find the key and to show
 * it in lists); the whole key only as SHA-256, so a database leak reveals no usable key.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/** The scopes a key of scope "all" has. */
export const apiScopes = ["ingest", "read"] as const;
/**
 * "push": a key a member made for `trh push`: it sends traces to its team and nothing else (no
 * outcomes, which a member may set on their own runs only, and no reads).
 */
export type ApiScope = (typeof apiScopes)[number] | "push";

/** The CLI's and admin page's --scope values. */
export const scopeChoice = z.enum(["ingest", "read", "all"]);
export function scopesFor(choice: z.infer<typeof scopeChoice>): ApiScope[] {
  return choice === "all" ? [...apiScopes] : [choice];
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString("hex");
  const key = `trh_${prefix}_${randomBytes(24).toString("base64url")}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** The prefix of a presented key, or null when it is not shaped like one of ours. */
export function apiKeyPrefix(key: string): string | null {
  return /^trh_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/.exec(key)?.[1] ?? null;
}

export function apiKeyMatches(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(key), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
