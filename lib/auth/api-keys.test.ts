import { describe, expect, it } from "vitest";
import { apiKeyMatches, apiKeyPrefix, generateApiKey, scopesFor } from "./api-keys";

describe("API keys", () => {
  it("start with trh_, carry a findable prefix, and match only their own hash", () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key.startsWith(`trh_${prefix}_`)).toBe(true);
    expect(apiKeyPrefix(key)).toBe(prefix);
    expect(apiKeyMatches(key, hash)).toBe(true);
    expect(apiKeyMatches(generateApiKey().key, hash)).toBe(false);
    expect(hash).not.toContain(key.slice(17));
  });

  it("reject strings that are not shaped like a key", () => {
    expect(apiKeyPrefix("trh_short")).toBeNull();
    expect(apiKeyPrefix(`Bearer trh_0123456789ab_${"a".repeat(32)}`)).toBeNull();
  });

  it("map --scope all to both scopes", () => {
    expect(scopesFor("all")).toEqual(["ingest", "read"]);
    expect(scopesFor("read")).toEqual(["read"]);
  });
});
