/**
 * Members' own keys for `trh push`: they send traces to the member's team and do nothing else;
 * a member sees and revokes only the keys they made.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as ingest } from "@/app/api/v1/ingest/route";
import { POST as postOutcome } from "@/app/api/v1/outcomes/route";
import { GET as listRuns } from "@/app/api/v1/runs/route";
import { addMember } from "@/lib/admin/members";
import type { Scope } from "@/lib/auth/scope";
import { closeDb } from "@/lib/db/client";
import { teamDb } from "@/lib/db/team-db";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { createOwnPushKey, revokeApiKey, visibleApiKeys } from "./api-keys";

let team: TestTeam;
let other: TestTeam;
let ana: Scope;
let bo: Scope;

beforeAll(async () => {
  team = await createTestTeam("push-keys");
  other = await createTestTeam("push-keys-other");
  const member = (email: string) =>
    addMember(team.teamId, {
      email: `${email}@${team.slug}.example.com`,
      password: "correct horse battery",
      role: "MEMBER",
    });
  ana = userScope(team, "MEMBER", (await member("ana")).userId);
  bo = userScope(team, "MEMBER", (await member("bo")).userId);
});

afterAll(closeDb);

const line = JSON.stringify({
  sessionId: "pushed-by-ana",
  callKey: "c1",
  timestamp: "2026-10-02T10:00:00Z",
  model: "claude-sonnet-4-5",
  inputTokens: 100,
  outputTokens: 10,
});

const call = (key: string, path: string, method = "GET", body?: string) =>
  new Request(`http://test${path}`, { method, headers: { authorization: `Bearer ${key}` }, body });

describe("a member's push key", () => {
  it("ingests for the member's team only, and cannot read or set outcomes", async () => {
    const { key } = await createOwnPushKey(ana, "ana-laptop");
    const stored = await teamDb(ana).apiKey.findFirstOrThrow({ where: { name: "ana-laptop" } });
    expect(stored.scopes).toEqual(["push"]);
    expect(stored.teamId).toBe(team.teamId);
    const sent = await ingest(call(key, "/api/v1/ingest?format=native&file=a.jsonl", "POST", `${line}\n`), {});
    expect(sent.status).toBe(200);
    expect(await teamDb(ana).run.count({ where: { externalId: "pushed-by-ana" } })).toBe(1);
    expect(await teamDb({ teamId: other.teamId }).run.count({ where: { externalId: "pushed-by-ana" } })).toBe(0);
    // The run is Ana's: a key a member made attributes to them.
    const run = await teamDb(ana).run.findFirstOrThrow({ where: { externalId: "pushed-by-ana" } });
    const owner = await teamDb(ana).person.findFirstOrThrow({ where: { id: run.ownerId! } });
    expect(owner.userId).toBe(ana.actor.kind === "user" ? ana.actor.userId : null);
    expect((await listRuns(call(key, "/api/v1/runs"), {})).status).toBe(403);
    const outcome = await postOutcome(
      call(key, "/api/v1/outcomes", "POST", JSON.stringify({ runId: run.id, status: "accepted" })),
      {},
    );
    expect(outcome.status).toBe(403);
  });

  it("is seen and revoked by its maker only", async () => {
    await createOwnPushKey(bo, "bo-desktop");
    const anaKeys = await visibleApiKeys(ana);
    expect(anaKeys.map((key) => key.name)).toEqual(["ana-laptop"]);
    const boKey = (await visibleApiKeys(bo))[0]!;
    expect(boKey.name).toBe("bo-desktop");
    const anaUser = ana.actor.kind === "user" ? ana.actor.userId : "";
    expect(await revokeApiKey(ana, boKey.id, anaUser, anaUser)).toBe(false);
    expect((await teamDb(bo).apiKey.findFirstOrThrow({ where: { id: boKey.id } })).revokedAt).toBeNull();
    expect(await revokeApiKey(ana, anaKeys[0]!.id, anaUser, anaUser)).toBe(true);
    // Admins see everyone's.
    expect((await visibleApiKeys(userScope(team))).map((key) => key.name)).toEqual(
      expect.arrayContaining(["ana-laptop", "bo-desktop", "read", "ingest"]),
    );
  });

  it("is not made by an API key", async () => {
    await expect(
      createOwnPushKey({ teamId: team.teamId, actor: { kind: "apiKey", apiKeyId: "x", scopes: ["ingest"] } }, "k"),
    ).rejects.toThrow(/not allowed/);
  });
});
