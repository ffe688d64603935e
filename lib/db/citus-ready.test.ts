/**
 * Citus-readiness (README "Growing past one machine"): the live schema and the analytics queries
 * are what `create_distributed_table(table, 'teamId')` needs, so a team-sharded installation runs
 * them unchanged. The checks themselves are shown to catch what they look for.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  queryProblems,
  referenceTables,
  schemaProblems,
  statementCount,
  statementProblems,
} from "@/lib/testing/citus-readiness";

let client: pg.Client;
let distributed: Set<string>;

beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});
afterAll(() => client?.end());

describe("a Citus-ready schema", () => {
  it("distributes every team-owned table by teamId: keys and foreign keys start with it", async () => {
    const result = await schemaProblems(client);
    distributed = new Set(result.distributed);
    expect(result.problems).toEqual([]);
    for (const table of ["Run", "Call", "ToolCall", "DailySpend", "RunDaySpend", "Finding", "Budget"]) {
      expect(distributed.has(table), table).toBe(true);
    }
    for (const table of referenceTables) expect(distributed.has(table), table).toBe(false);
  });

  it("finds a key or a foreign key that does not start with teamId, and a table of neither kind", async () => {
    await client.query("BEGIN");
    try {
      await client.query(`
        CREATE TABLE "CitusProbe" ("teamId" uuid NOT NULL, id int NOT NULL, "otherTeamId" uuid NOT NULL, "runId" uuid NOT NULL,
          PRIMARY KEY (id), FOREIGN KEY ("otherTeamId", "runId") REFERENCES "Run" ("teamId", id))`);
      await client.query(`CREATE TABLE "CitusOrphan" (id int PRIMARY KEY)`);
      const { problems } = await schemaProblems(client);
      expect(problems).toEqual(
        expect.arrayContaining([
          { table: "CitusProbe", problem: "primary key CitusProbe_pkey (id) does not start with teamId" },
          {
            table: "CitusProbe",
            problem:
              "foreign key CitusProbe_otherTeamId_runId_fkey (otherTeamId, runId) -> Run(teamId, id) does not start with teamId on both sides",
          },
          { table: "CitusOrphan", problem: "neither team-owned (no teamId) nor a declared reference table" },
        ]),
      );
    } finally {
      await client.query("ROLLBACK");
    }
  });
});

describe("statements that Citus routes to one team's node", () => {
  // Every module that talks to the database: lib/ but the generated client and the test helpers.
  const files = readdirSync("lib", { recursive: true, encoding: "utf8" })
    .map((name) => path.join("lib", name))
    .filter(
      (file) =>
        file.endsWith(".ts") &&
        !file.endsWith(".test.ts") &&
        !file.startsWith(path.join("lib", "generated")) &&
        !file.startsWith(path.join("lib", "testing")),
    );

  it("filter every team-owned table on teamId and join team-owned tables on it", async () => {
    distributed ??= new Set((await schemaProblems(client)).distributed);
    expect(statementCount(files)).toBeGreaterThan(100);
    expect(queryProblems(files, distributed)).toEqual([]);
  });

  it("catch a read without teamId and a join across teams", () => {
    const tables = new Set(["Run", "Person", "DailySpend"]);
    expect(statementProblems(`SELECT * FROM "Run" r WHERE r.id = $1`, tables)).toEqual([
      'reads "Run" r without a condition on r."teamId"',
    ]);
    expect(
      statementProblems(`SELECT * FROM "Run" r JOIN "Person" o ON o.id = r."ownerId" WHERE r."teamId" = $1`, tables),
    ).toEqual(['joins "Person" o without o."teamId" in its ON clause']);
    expect(statementProblems(`SELECT sum(calls) FROM "DailySpend" WHERE day > $1`, tables)).toEqual([
      'reads "DailySpend" DailySpend without a condition on DailySpend."teamId"',
    ]);
    expect(
      statementProblems(
        `SELECT * FROM "Run" r LEFT JOIN "Person" o ON o."teamId" = r."teamId" AND o.id = r."ownerId" WHERE r."teamId" = $1`,
        tables,
      ),
    ).toEqual([]);
  });
});
