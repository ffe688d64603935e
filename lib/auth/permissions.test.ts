import { describe, expect, it } from "vitest";
import { can } from "./permissions";

const user = (role: "ADMIN" | "MANAGER" | "MEMBER") => ({
  kind: "user" as const,
  userId: "u",
  email: "e@example.com",
  role,
});

describe("permissions", () => {
  it("give admin pages to admins only", () => {
    expect(can(user("ADMIN"), "members:manage")).toBe(true);
    expect(can(user("MANAGER"), "members:manage")).toBe(false);
    expect(can(user("MEMBER"), "keys:manage")).toBe(false);
    expect(can(user("MANAGER"), "ownership:edit")).toBe(false);
  });

  it("let admins only set prices and recompute findings, each its own right", () => {
    for (const permission of ["prices:manage", "findings:recompute"] as const) {
      expect(can(user("ADMIN"), permission)).toBe(true);
      expect(can(user("MANAGER"), permission)).toBe(false);
      expect(can(user("MEMBER"), permission)).toBe(false);
      expect(can({ kind: "apiKey", apiKeyId: "k", scopes: ["ingest", "read"] }, permission)).toBe(false);
    }
  });

  it("let managers read all spend and members only team aggregates", () => {
    expect(can(user("MANAGER"), "spend:read-all")).toBe(true);
    expect(can(user("MEMBER"), "spend:read-all")).toBe(false);
    expect(can(user("MEMBER"), "spend:read-team")).toBe(true);
  });

  it("keep key scopes apart", () => {
    expect(can({ kind: "apiKey", apiKeyId: "k", scopes: ["ingest"] }, "spend:read-team")).toBe(false);
    expect(can({ kind: "apiKey", apiKeyId: "k", scopes: ["read"] }, "ingest")).toBe(false);
    expect(can({ kind: "apiKey", apiKeyId: "k", scopes: ["read"] }, "spend:read-all")).toBe(true);
    expect(can({ kind: "apiKey", apiKeyId: "k", scopes: ["ingest", "read"] }, "members:manage")).toBe(false);
  });

  it("let admins and keys of every scope change the team's settings, nobody else", () => {
    expect(can(user("ADMIN"), "settings:manage")).toBe(true);
    expect(can(user("MANAGER"), "settings:manage")).toBe(false);
    expect(can(user("MEMBER"), "settings:manage")).toBe(false);
    expect(can({ kind: "apiKey", apiKeyId: "k", scopes: ["ingest", "read"] }, "settings:manage")).toBe(true);
    expect(can({ kind: "apiKey", apiKeyId: "k", scopes: ["read"] }, "settings:manage")).toBe(false);
    expect(can({ kind: "apiKey", apiKeyId: "k", scopes: ["ingest"] }, "settings:manage")).toBe(false);
  });

  it("let managers, admins and keys of every scope keep the team's saved filters, nobody else", () => {
    expect(can(user("ADMIN"), "filters:manage")).toBe(true);
    expect(can(user("MANAGER"), "filters:manage")).toBe(true);
    expect(can(user("MEMBER"), "filters:manage")).toBe(false);
    expect(can({ kind: "apiKey", apiKeyId: "k", scopes: ["ingest", "read"] }, "filters:manage")).toBe(true);
    expect(can({ kind: "apiKey", apiKeyId: "k", scopes: ["read"] }, "filters:manage")).toBe(false);
  });
});
