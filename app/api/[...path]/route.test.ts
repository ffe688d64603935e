import { describe, expect, it } from "vitest";
import { GET, POST } from "./route";

describe("an API path without a route", () => {
  it("answers a JSON 404, not an HTML page", async () => {
    for (const handler of [GET, POST]) {
      const response = handler(new Request("http://test/api/v1/nothing-here"));
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(await response.json()).toEqual({
        error: { code: "not_found", message: "API route /api/v1/nothing-here not found" },
      });
    }
  });
});
