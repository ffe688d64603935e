/**
 * The code layout's rules (README "Code layout"), checked over the source: pages in app/ read
 * lib/ and hand plain data to components; components never query, and never reach into app/;
 * server actions live in lib/<capability>/, not app/.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("code layout", () => {
  it("keeps components free of data access and of app/", () => {
    const offenders = filesUnder("components").flatMap((file) => {
      const text = readFileSync(file, "utf8");
      const problems: string[] = [];
      if (/from "@\/app\//.test(text)) problems.push("imports from app/");
      if (/from "@\/lib\/db\//.test(text)) problems.push("imports lib/db");
      // A React component that awaits is a component querying for itself (React components are capitalized).
      if (/export (default )?async function [A-Z]/.test(text)) problems.push("an async component");
      return problems.map((problem) => `${file}: ${problem}`);
    });
    expect(offenders).toEqual([]);
  });

  it("keeps server actions out of app/", () => {
    const offenders = filesUnder("app").filter((file) => /^\s*["']use server["']/m.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });
});
