import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HttpError } from "@/lib/http/errors";
import type { Actor } from "./permissions";
import { assertMay, assertMayBreakDown, mayGroupBy, maySeeEveryonesSpend } from "./policy";

const as = (actor: Actor) => ({ teamId: "00000000-0000-0000-0000-000000000001", actor });
const member = as({ kind: "user", userId: "u", email: "m@example.com", role: "MEMBER" });
const manager = as({ kind: "user", userId: "u", email: "m@example.com", role: "MANAGER" });
const readKey = as({ kind: "apiKey", apiKeyId: "k", scopes: ["read"] });

function refusal(work: () => void): number | null {
  try {
    work();
    return null;
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
}

describe("policy", () => {
  it("refuses members breakdowns by person or run, and a filter to one owner", () => {
    expect(refusal(() => assertMayBreakDown(member, { groupBy: "owner" }, "spend by owner needs"))).toBe(403);
    expect(refusal(() => assertMayBreakDown(member, { groupBy: "run" }, "waste by run"))).toBe(403);
    expect(refusal(() => assertMayBreakDown(member, { groupBy: "day", owner: "ana" }, "spend by owner needs"))).toBe(
      403,
    );
    expect(refusal(() => assertMayBreakDown(member, { groupBy: "project" }, "spend"))).toBeNull();
    expect(refusal(() => assertMayBreakDown(manager, { groupBy: "owner", owner: "ana" }, "spend"))).toBeNull();
    expect(refusal(() => assertMayBreakDown(readKey, { groupBy: "run" }, "waste"))).toBeNull();
    expect(mayGroupBy(member, "owner")).toBe(false);
    expect(mayGroupBy(member, "model")).toBe(true);
    expect(maySeeEveryonesSpend(readKey)).toBe(true);
  });

  it("says what is needed when it refuses", () => {
    expect(() => assertMay(manager, "settings:manage", "changing budgets needs an admin")).toThrow(
      "changing budgets needs an admin",
    );
  });

  it("is the only way outside lib/auth to ask the permission table", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (name !== "generated" && name !== "node_modules") walk(path);
        } else if (/\.tsx?$/.test(name) && !path.startsWith(join("lib", "auth"))) {
          const text = readFileSync(path, "utf8");
          if (/import \{[^}]*\bcan\b[^}]*\} from "@\/lib\/auth\/permissions"/.test(text)) offenders.push(path);
        }
      }
    };
    for (const root of ["app", "components", "lib"]) walk(root);
    expect(offenders).toEqual([]);
  });
});
