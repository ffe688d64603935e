/**
 * Failed sign-ins are limited per account and per client address. In-memory is enough for one
 * server process; a cluster would move these limiters to Postgres (rate-limiter-flexible has a
 * Postgres store).
 */
import { RateLimiterMemory } from "rate-limiter-flexible";

const perAccount = new RateLimiterMemory({ keyPrefix: "signin-account", points: 5, duration: 15 * 60 });
const perAddress = new RateLimiterMemory({ keyPrefix: "signin-address", points: 20, duration: 15 * 60 });

/** Seconds until another attempt is allowed, or 0 when the attempt may go ahead. */
export async function signInRetryAfter(email: string, address: string): Promise<number> {
  const [account, client] = await Promise.all([perAccount.get(email), perAddress.get(address)]);
  const blocked = [
    account && account.consumedPoints >= 5 ? account.msBeforeNext : 0,
    client && client.consumedPoints >= 20 ? client.msBeforeNext : 0,
  ];
  return Math.ceil(Math.max(...blocked) / 1000);
}

export async function recordFailedSignIn(email: string, address: string): Promise<void> {
  await Promise.all([perAccount.penalty(email, 1), perAddress.penalty(address, 1)]);
}

export async function recordSuccessfulSignIn(email: string): Promise<void> {
  await perAccount.delete(email);
}
