/**
 * Failed sign-ins are limited per account and per client address (the connection's, or a trusted
 * proxy's word for it: lib/http/forwarded.ts). In-memory is enough for one server process; a
 * cluster would move these limiters to Postgres (rate-limiter-flexible has a Postgres store).
 */
import ipaddr from "ipaddr.js";
import { RateLimiterMemory } from "rate-limiter-flexible";

const perAccount = new RateLimiterMemory({ keyPrefix: "signin-account", points: 5, duration: 15 * 60 });
const perAddress = new RateLimiterMemory({ keyPrefix: "signin-address", points: 20, duration: 15 * 60 });

/**
 * What one address counts as: an IPv4 address, or the /64 network of an IPv6 one (what one
 * subscriber usually gets, so rotating addresses inside it gains nothing).
 */
export function addressBucket(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address); // an IPv4-mapped IPv6 address counts as its IPv4 one
  if (parsed instanceof ipaddr.IPv4) return parsed.toString();
  return `${parsed.parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(":")}::/64`;
}

/** Seconds until another attempt is allowed, or 0 when the attempt may go ahead. */
export async function signInRetryAfter(email: string, address: string): Promise<number> {
  const [account, client] = await Promise.all([perAccount.get(email), perAddress.get(addressBucket(address))]);
  const blocked = [
    account && account.consumedPoints >= 5 ? account.msBeforeNext : 0,
    client && client.consumedPoints >= 20 ? client.msBeforeNext : 0,
  ];
  return Math.ceil(Math.max(...blocked) / 1000);
}

export async function recordFailedSignIn(email: string, address: string): Promise<void> {
  await Promise.all([perAccount.penalty(email, 1), perAddress.penalty(addressBucket(address), 1)]);
}

export async function recordSuccessfulSignIn(email: string): Promise<void> {
  await perAccount.delete(email);
}
