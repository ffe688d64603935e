/**
 * The typed column definitions: the SQL they produce, and (checked by `npm run typecheck`, which
 * covers this file) that a column the Prisma model does not have, or a nullable type for a
 * field that is not, does not compile: a rename in schema.prisma breaks the build, not a query.
 */
import { describe, expect, it } from "vitest";
import type { CallModel } from "@/lib/generated/prisma/models/Call";
import { recordColumns, tableColumns, tableInput } from "./columns";

describe("typed column definitions", () => {
  const calls = tableColumns<CallModel>()({
    runId: "uuid",
    callKey: "text",
    messageId: "text?",
    timestamp: "timestamptz",
    costUsd: "numeric",
  });

  it("give the INSERT column list, the record set and the SELECT list from one definition, in one order", () => {
    expect(calls.names().sql).toBe(`"runId", "callKey", "messageId", "timestamp", "costUsd"`);
    const from = calls.from(
      [{ runId: "r", callKey: "k", messageId: null, timestamp: new Date("2026-01-02T03:04:05Z"), costUsd: "0.5" }],
      "t",
    );
    expect(from.sql).toBe(
      `json_to_recordset(?::json) AS t("runId" uuid, "callKey" text, "messageId" text, "timestamp" timestamptz, "costUsd" numeric)`,
    );
    expect(JSON.parse(from.values[0] as string)).toEqual([
      { runId: "r", callKey: "k", messageId: null, timestamp: "2026-01-02T03:04:05.000Z", costUsd: "0.5" },
    ]);
    expect(calls.select("c").sql).toBe(
      `c."runId"::text AS "runId", c."callKey" AS "callKey", c."messageId" AS "messageId", c."timestamp" AS "timestamp", c."costUsd"::text AS "costUsd"`,
    );
    expect(calls.pick("costUsd", "runId").names().sql).toBe(`"costUsd", "runId"`);
  });

  it("refuse at compile time what the model does not have", () => {
    // @ts-expect-error a column Call does not have (as after a rename in schema.prisma)
    tableColumns<CallModel>()({ runid: "uuid" });
    // @ts-expect-error Call.model is not nullable
    tableColumns<CallModel>()({ model: "text?" });
    // @ts-expect-error input rows may be null anywhere, but the names are still the model's
    tableInput<CallModel>()({ modelName: "text?" });
    // @ts-expect-error a row of the wrong type
    calls.from([{ runId: "r", callKey: 1, messageId: null, timestamp: new Date(), costUsd: "0" }], "t");
    expect(recordColumns({ id: "bigint" }).names().sql).toBe(`"id"`);
  });
});
