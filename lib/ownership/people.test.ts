/**
 * People are accounts' shadows, on Postgres: a member is a person from the start; inviting an
 * email links the person discovery made for it; a member's own uploads are theirs at once and
 * only theirs to see; merge suggestions and merges move identities and history with the audit log
 * recording names; people, projects and tasks rename, merge and delete with rollups exact.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/admin/api-keys";
import { addMember } from "@/lib/admin/members";
import type { Scope } from "@/lib/auth/scope";
import { closeDb, db } from "@/lib/db/client";
import { parseNativeStream } from "@/lib/ingest/parsers/native";
import { ingestEvents } from "@/lib/ingest/writer";
import { auditLog } from "@/lib/queries/audit-log";
import { mergeSuggestions } from "@/lib/queries/merge-suggestions";
import { ownershipSetup } from "@/lib/queries/ownership-setup";
import { runsList } from "@/lib/queries/runs-list";
import { unallocatedGroups } from "@/lib/queries/unallocated-groups";
import { createTestTeam, type TestTeam, userScope } from "@/lib/testing/fixtures";
import { wholeRange } from "@/lib/testing/ingest-fixtures";
import { expectRollupsAddUp, ingestMultiMachine } from "@/lib/testing/multi-machine";
import { reattributeTeam } from "@/lib/testing/reattribute-team";
import {
  createPerson,
  createRule,
  deletePerson,
  deleteProject,
  deleteTask,
  linkIdentity,
  mergePeople,
  mergeProjects,
  mergeTasks,
  renamePerson,
  renameProject,
  renameTask,
} from "./manage";

let team: TestTeam;
let admin: Scope;

const person = (displayName: string) => db().person.findFirst({ where: { teamId: team.teamId, displayName } });

beforeAll(async () => {
  team = await createTestTeam("people");
  admin = userScope(team);
  await ingestMultiMachine(admin, "ana-laptop");
  await ingestMultiMachine(admin, "dan-desktop");
  await ingestMultiMachine(admin, "ci-runner");
});
afterAll(closeDb);

describe("people are accounts' shadows", () => {
  it("links an invited email to the person discovery made for it", async () => {
    const discovered = await createPerson(admin, { displayName: "Dan", email: "dan@acme.com" });
    const { userId } = await addMember(team.teamId, {
      email: "dan@acme.com",
      password: "correct horse battery",
      role: "MEMBER",
    });
    const linked = await db().person.findFirstOrThrow({ where: { teamId: team.teamId, userId } });
    expect(linked.id).toBe(discovered.id);
    expect(await db().person.count({ where: { teamId: team.teamId, email: "dan@acme.com" } })).toBe(1);
  });

  it("makes a person of a telemetry email, and an invitation of that email claims them with their history", async () => {
    const line = JSON.stringify({
      sessionId: "tele-1",
      callKey: "tele-1:1",
      timestamp: "2026-02-20T10:00:00Z",
      model: "claude-sonnet-4-5-20250929",
      inputTokens: 1000,
      outputTokens: 200,
      cwd: "/home/eve/src/web-app",
    });
    await ingestEvents(admin, {
      format: "native",
      fileName: "telemetry",
      events: parseNativeStream([`${line}\n`], "telemetry"),
      sessionEmails: new Map([["tele-1", "Eve@Acme.com"]]),
    });
    const run = await db().run.findFirstOrThrow({ where: { teamId: team.teamId, externalId: "tele-1" } });
    const eve = await db().person.findFirstOrThrow({ where: { teamId: team.teamId, id: run.ownerId! } });
    expect(eve).toMatchObject({ displayName: "eve", email: "eve@acme.com", userId: null });
    const { userId } = await addMember(team.teamId, {
      email: "eve@acme.com",
      password: "correct horse battery",
      role: "MEMBER",
    });
    expect(await db().person.findFirstOrThrow({ where: { teamId: team.teamId, userId } })).toMatchObject({
      id: eve.id,
    });
    const eveScope: Scope = {
      teamId: team.teamId,
      teamSlug: team.slug,
      teamName: team.slug,
      actor: { kind: "user", userId, email: "eve@acme.com", role: "MEMBER" },
    };
    expect((await runsList(eveScope, { ...wholeRange, sort: "cost", limit: 10 })).map((r) => r.id)).toEqual([run.id]);
    await expectRollupsAddUp(team.teamId);
  });

  it("suggests merging an OS user into the member with that email, and the merge moves identities and history", async () => {
    const suggestions = await mergeSuggestions(admin);
    const danOs = (await person("dan"))!;
    const danMember = await db().person.findFirstOrThrow({ where: { teamId: team.teamId, email: "dan@acme.com" } });
    expect(suggestions).toContainEqual(
      expect.objectContaining({
        sourceId: danOs.id,
        targetId: danMember.id,
        reason: "OS user dan and the email dan@acme.com",
      }),
    );
    const danRuns = await db().run.count({ where: { teamId: team.teamId, ownerId: danOs.id } });
    expect(danRuns).toBeGreaterThan(0);
    await mergePeople(admin, danOs.id, danMember.id);
    expect(await db().run.count({ where: { teamId: team.teamId, ownerId: danMember.id } })).toBe(danRuns);
    const identity = await db().identity.findFirstOrThrow({
      where: { teamId: team.teamId, kind: "os-user", value: "dan" },
    });
    expect(identity.personId).toBe(danMember.id);
    const [entry] = await db().auditLog.findMany({ where: { teamId: team.teamId, action: "person.merge" } });
    expect(entry!.before).toEqual({ people: [{ name: "dan" }, { name: "Dan", email: "dan@acme.com" }] });
    expect(entry!.after).toMatchObject({
      person: { name: "Dan", email: "dan@acme.com" },
      identitiesMoved: ["os-user dan"],
      runsMoved: danRuns,
    });
    // Re-attribution keeps the merge: the identity is now the admin's link.
    await reattributeTeam(team.teamId);
    expect(await db().run.count({ where: { teamId: team.teamId, ownerId: danMember.id } })).toBe(danRuns);
    expect(await mergeSuggestions(admin)).toEqual([]);
    await expectRollupsAddUp(team.teamId);
  });

  it("gives a member their own uploads at once, and shows them no one else's spend", async () => {
    const { userId } = await addMember(team.teamId, {
      email: "bo@acme.com",
      password: "correct horse battery",
      role: "MEMBER",
      name: "Bo Berg",
    });
    const bo: Scope = {
      teamId: team.teamId,
      teamSlug: team.slug,
      teamName: team.slug,
      actor: { kind: "user", userId, email: "bo@acme.com", role: "MEMBER" },
    };
    await ingestMultiMachine(bo, "bo-mac");
    const boPerson = await db().person.findFirstOrThrow({ where: { teamId: team.teamId, userId } });
    const own = await runsList(bo, { ...wholeRange, sort: "cost", limit: 100 });
    expect(own.length).toBe(2);
    expect(own.every((run) => run.owner === "bo@acme.com")).toBe(true);
    expect(await db().run.count({ where: { teamId: team.teamId, ownerId: boPerson.id } })).toBe(2);
    // The ownership page's data for a member: their own person, no identity's spend, no queue.
    const setup = await ownershipSetup(bo);
    expect(setup.people.map((p) => p.id)).toEqual([boPerson.id]);
    expect(setup.identities.every((identity) => identity.personId === boPerson.id && identity.costUsd === 0)).toBe(
      true,
    );
    expect((await unallocatedGroups(bo)).groups).toEqual([]);
    expect((await unallocatedGroups(admin)).groups.map((group) => `${group.field} ${group.value}`)).toEqual([
      "identity runner",
    ]);
    await expectRollupsAddUp(team.teamId);
  });
});

describe("renaming, merging and deleting", () => {
  it("renames and deletes people; discovery does not bring a deleted person back", async () => {
    const ana = (await person("ana"))!;
    await renamePerson(admin, ana.id, { displayName: "Ana Silva", email: "ana@acme.com" });
    expect(await db().person.findFirstOrThrow({ where: { teamId: team.teamId, id: ana.id } })).toMatchObject({
      displayName: "Ana Silva",
      email: "ana@acme.com",
    });
    const runs = await db().run.count({ where: { teamId: team.teamId, ownerId: ana.id } });
    await deletePerson(admin, ana.id);
    expect(
      await db().run.count({ where: { teamId: team.teamId, ownerId: null, cwd: { startsWith: "/home/ana/" } } }),
    ).toBe(runs);
    await ingestMultiMachine(admin, "ana-laptop");
    await reattributeTeam(team.teamId);
    expect(await person("ana")).toBeNull();
    const [entry] = await db().auditLog.findMany({ where: { teamId: team.teamId, action: "person.rename" } });
    expect(entry).toMatchObject({ before: { name: "ana" }, after: { name: "Ana Silva", email: "ana@acme.com" } });
    await expectRollupsAddUp(team.teamId);
  });

  it("renames, merges and deletes projects and tasks; their runs follow", async () => {
    const projects = async () => db().project.findMany({ where: { teamId: team.teamId }, orderBy: { name: "asc" } });
    const [billing, infra] = [
      (await projects()).find((p) => p.name === "billing-api")!,
      (await projects()).find((p) => p.name === "infra")!,
    ];
    await renameProject(admin, billing.id, "Billing");
    await mergeProjects(admin, infra.id, billing.id);
    await reattributeTeam(team.teamId);
    expect((await projects()).map((p) => p.name)).toEqual(["Billing", "web-app"]);
    expect(
      await db().run.count({
        where: { teamId: team.teamId, cwd: { startsWith: "/home/dan/code/infra" }, projectId: billing.id },
      }),
    ).toBe(1);
    const [mergeEntry] = await db().auditLog.findMany({ where: { teamId: team.teamId, action: "project.merge" } });
    expect(mergeEntry).toMatchObject({
      before: { projects: ["infra", "Billing"] },
      after: { project: "Billing", runsMoved: 1 },
    });

    const webApp = (await projects()).find((p) => p.name === "web-app")!;
    await deleteProject(admin, webApp.id);
    await ingestMultiMachine(admin, "bo-mac");
    await reattributeTeam(team.teamId);
    expect((await projects()).map((p) => p.name)).toEqual(["Billing"]);

    const task = async (key: string) => db().task.findFirst({ where: { teamId: team.teamId, key } });
    const pay123 = (await task("PAY-123"))!;
    const pay130 = (await task("PAY-130"))!;
    await renameTask(admin, pay123.id, "Retries");
    await mergeTasks(admin, pay130.id, pay123.id);
    await reattributeTeam(team.teamId);
    expect(await db().run.count({ where: { teamId: team.teamId, taskId: pay123.id } })).toBe(2);
    await deleteTask(admin, pay123.id);
    await reattributeTeam(team.teamId);
    expect(await task("PAY-123")).toBeNull();
    expect(await task("Retries")).toBeNull();
    await expectRollupsAddUp(team.teamId);
  });
});

describe("the audit log and an admin's word on identities", () => {
  it("reads in names, not ids", async () => {
    const platform = await createPerson(admin, { displayName: "Platform team" });
    await createRule(admin, {
      name: "CI",
      matchField: "identity",
      pattern: "runner",
      setOwnerId: platform.id,
      setProjectId: "",
      setTaskId: "",
    });
    const [entry] = await auditLog(admin, 1);
    expect(entry).toMatchObject({
      action: "rule.create",
      after: { name: "CI", when: "identity", "sets owner": "Platform team" },
    });
    expect(entry!.after).not.toHaveProperty("sets project");
  });

  it("keeps an identity an admin unlinked unlinked, whatever discovery would say", async () => {
    const dan = await db().identity.findFirstOrThrow({ where: { teamId: team.teamId, kind: "os-user", value: "dan" } });
    await linkIdentity(admin, dan.id, null);
    await reattributeTeam(team.teamId);
    expect(await db().identity.findFirstOrThrow({ where: { teamId: team.teamId, id: dan.id } })).toMatchObject({
      personId: null,
      personSetBy: expect.stringMatching(/^none:/),
    });
    expect(await db().run.count({ where: { teamId: team.teamId, identityId: dan.id, ownerId: { not: null } } })).toBe(
      0,
    );
    await expectRollupsAddUp(team.teamId);
  });
});

describe("API keys", () => {
  const nativeLine = (sessionId: string, cwd?: string) =>
    `${JSON.stringify({
      sessionId,
      callKey: `${sessionId}:1`,
      timestamp: "2026-02-21T10:00:00Z",
      model: "claude-sonnet-4-5-20250929",
      inputTokens: 500,
      outputTokens: 50,
      ...(cwd ? { cwd } : {}),
    })}\n`;
  const keyScope = async (createdBy: string): Promise<Scope> => {
    const created = await createApiKey(
      { teamId: team.teamId },
      { name: `key of ${createdBy}`, scope: "ingest" },
      createdBy,
    );
    return {
      teamId: team.teamId,
      teamSlug: team.slug,
      teamName: team.slug,
      actor: { kind: "apiKey", apiKeyId: created.id, scopes: ["ingest"] },
    };
  };
  const ownerOf = async (sessionId: string) =>
    (await db().run.findFirstOrThrow({ where: { teamId: team.teamId, externalId: sessionId } })).ownerId;

  it("give a run the key creator's person when the trace names nobody, and a member's key makes their pushes theirs", async () => {
    const adminPerson = await db().person.findFirstOrThrow({
      where: { teamId: team.teamId, userId: team.adminUserId },
    });
    const adminKey = await keyScope(team.adminUserId);
    await ingestEvents(adminKey, {
      format: "native",
      fileName: "ci",
      events: parseNativeStream([nativeLine("key-nobody")], "ci"),
    });
    expect(await ownerOf("key-nobody")).toBe(adminPerson.id);
    // An admin's key pushing a developer's traces: the traces say who.
    await ingestEvents(adminKey, {
      format: "native",
      fileName: "ci",
      events: parseNativeStream([nativeLine("key-gus", "/home/gus/src/web-app")], "ci"),
    });
    expect(await ownerOf("key-gus")).toBe((await person("gus"))!.id);

    const { userId } = await addMember(team.teamId, {
      email: "hal@acme.com",
      password: "correct horse battery",
      role: "MEMBER",
    });
    const halKey = await keyScope(userId);
    await ingestEvents(halKey, {
      format: "native",
      fileName: "push",
      events: parseNativeStream([nativeLine("key-hal", "/home/hal-laptop-user/src/web-app")], "push"),
    });
    expect(await ownerOf("key-hal")).toBe(
      (await db().person.findFirstOrThrow({ where: { teamId: team.teamId, userId } })).id,
    );
    await expectRollupsAddUp(team.teamId);
  });
});
