import { describe, expect, it } from "vitest";
import { addressBucket, recordFailedSignIn, recordSuccessfulSignIn, signInRetryAfter } from "./rate-limit";

describe("sign-in limits", () => {
  it("count an IPv4 address alone, an IPv6 address by its /64", () => {
    expect(addressBucket("203.0.113.9")).toBe("203.0.113.9");
    expect(addressBucket("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(addressBucket("2001:db8:a:b:1:2:3:4")).toBe(addressBucket("2001:db8:a:b::ffff"));
    expect(addressBucket("2001:db8:a:b::1")).not.toBe(addressBucket("2001:db8:a:c::1"));
    expect(addressBucket("unknown")).toBe("unknown");
  });

  it("block an address after 20 failures, whichever accounts and addresses of its /64 it used", async () => {
    for (let i = 1; i <= 20; i++) {
      expect(await signInRetryAfter(`probe-${i}@example.com`, `2001:db8:5::${i.toString(16)}`)).toBe(0);
      await recordFailedSignIn(`probe-${i}@example.com`, `2001:db8:5::${i.toString(16)}`);
    }
    expect(await signInRetryAfter("someone@example.com", "2001:db8:5::beef")).toBeGreaterThan(0);
    expect(await signInRetryAfter("someone@example.com", "2001:db8:6::1")).toBe(0);
  });

  it("block an account after 5 failures from any address, until a success", async () => {
    for (let i = 0; i < 5; i++) await recordFailedSignIn("target@example.com", `198.51.100.${i}`);
    expect(await signInRetryAfter("target@example.com", "192.0.2.1")).toBeGreaterThan(0);
    await recordSuccessfulSignIn("target@example.com");
    expect(await signInRetryAfter("target@example.com", "192.0.2.1")).toBe(0);
  });
});
