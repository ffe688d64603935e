import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTeam, type TestTeam } from "@/lib/testing/fixtures";
import { closeDb } from "./client";
import { teamDb } from "./team-db";

let a: TestTeam;
let b: TestTeam;

beforeAll(async () => {
  [a, b] = await Promise.all([createTestTeam("scope-a"), createTestTeam("scope-b")]);
});
afterAll(closeDb);

describe("teamDb", () => {
  it("reads only the scope's team, even when asked for another team's rows", async () => {
    const project = await teamDb(b).project.create({ data: { teamId: b.teamId, name: "secret" } });
    expect(await teamDb(a).project.findMany()).toEqual([]);
    expect(await teamDb(a).project.findFirst({ where: { id: project.id } })).toBeNull();
    expect(await teamDb(a).project.findFirst({ where: { teamId: b.teamId } })).toBeNull();
    expect(
      await teamDb(a).project.findUnique({ where: { teamId_id: { teamId: b.teamId, id: project.id } } }),
    ).toBeNull();
  });

  it("cannot change or delete another team's rows", async () => {
    const project = await teamDb(b).project.create({ data: { teamId: b.teamId, name: "keep" } });
    expect((await teamDb(a).project.updateMany({ where: { id: project.id }, data: { name: "stolen" } })).count).toBe(0);
    expect((await teamDb(a).project.deleteMany({ where: { id: project.id } })).count).toBe(0);
    expect((await teamDb(b).project.findFirst({ where: { id: project.id } }))?.name).toBe("keep");
  });

  it("writes rows into the scope's team whatever teamId the caller passes", async () => {
    const created = await teamDb(a).project.create({ data: { teamId: b.teamId, name: "mine" } });
    expect(created.teamId).toBe(a.teamId);
  });
});
