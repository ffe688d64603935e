import { describe, expect, it } from "vitest";
import { isSameOriginRequest, ownOrigin } from "./origin";

const post = (headers: Record<string, string>) =>
  new Request("http://localhost:3000/api/v1/outcomes", { method: "POST", headers });
const own = { host: "localhost:3000", "x-forwarded-host": "localhost:3000", "x-forwarded-proto": "http" };

describe("the Origin rule", () => {
  it("accepts our own origin, from Origin or else Referer", () => {
    expect(isSameOriginRequest(post({ ...own, origin: "http://localhost:3000" }))).toBe(true);
    expect(isSameOriginRequest(post({ ...own, referer: "http://localhost:3000/runs?x=1" }))).toBe(true);
  });

  it("refuses another origin, a null origin, a wrong scheme or port, and a request naming none", () => {
    expect(isSameOriginRequest(post({ ...own, origin: "https://evil.example" }))).toBe(false);
    expect(isSameOriginRequest(post({ ...own, origin: "null" }))).toBe(false);
    expect(isSameOriginRequest(post({ ...own, origin: "https://localhost:3000" }))).toBe(false);
    expect(isSameOriginRequest(post({ ...own, origin: "http://localhost:3001" }))).toBe(false);
    // Origin wins over a same-site Referer.
    expect(
      isSameOriginRequest(post({ ...own, origin: "https://evil.example", referer: "http://localhost:3000/" })),
    ).toBe(false);
    expect(isSameOriginRequest(post(own))).toBe(false);
  });

  it("is the origin behind a trusted proxy when it named one", () => {
    expect(
      ownOrigin(
        new Headers({ host: "127.0.0.1:3000", "x-forwarded-host": "trh.example.com", "x-forwarded-proto": "https" }),
      ),
    ).toBe("https://trh.example.com");
    expect(ownOrigin(new Headers({ host: "localhost:443", "x-forwarded-proto": "https" }))).toBe("https://localhost");
  });
});
