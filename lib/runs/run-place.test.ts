import { describe, expect, it } from "vitest";
import { runPlace } from "./run-place";

describe("runPlace", () => {
  it("names the repository from its remote, else the last folders of the working directory", () => {
    expect(runPlace({ repository: "https://github.com/acme/billing-api.git", cwd: "/home/ana/x" })).toBe(
      "acme/billing-api",
    );
    expect(runPlace({ repository: "git@github.com:acme/billing-api.git", cwd: null })).toBe("acme/billing-api");
    expect(runPlace({ repository: null, cwd: "/home/ana/src/billing-api" })).toBe("src/billing-api");
    expect(runPlace({ repository: null, cwd: "C:\\Users\\bo\\code\\web" })).toBe("code/web");
    expect(runPlace({ repository: null, cwd: "/" })).toBe("/");
    expect(runPlace({ repository: null, cwd: null })).toBeNull();
  });

  it("takes linear time on hostile text", () => {
    const started = performance.now();
    runPlace({ repository: `${"a".repeat(100_000)}@${"b".repeat(100_000)}`, cwd: null });
    runPlace({ repository: `${"a:".repeat(50_000)}//${"/".repeat(100_000)}`, cwd: null });
    expect(performance.now() - started).toBeLessThan(500);
  });
});
