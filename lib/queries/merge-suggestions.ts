/**
 * People who are probably one human seen twice: an OS user whose name is the local part of
 * another person's email (`ana` and `ana@acme.com`), or two people with the same display name.
 * Each pair once, merging into the stronger record: a member, else one with an email, else the
 * older.
 */

import type { Scope } from "@/lib/auth/scope";
import { db } from "@/lib/db/client";
import { table } from "@/lib/db/tables";

const i = table("Identity", "i");
const p = table("Person", "p");

export interface MergeSuggestion {
  sourceId: string;
  sourceName: string;
  targetId: string;
  targetName: string;
  targetEmail: string | null;
  reason: string;
}

export async function mergeSuggestions(scope: Scope, limit = 50): Promise<MergeSuggestion[]> {
  return db().$queryRaw<MergeSuggestion[]>`
    WITH p AS (
      SELECT ${p.id}, ${p.displayName}, ${p.email}, ${p.userId},
        (CASE WHEN ${p.userId} IS NOT NULL THEN 2 WHEN ${p.email} IS NOT NULL THEN 1 ELSE 0 END) AS strength, ${p.createdAt},
        nullif(lower(split_part(coalesce(${p.email}, ''), '@', 1)), '') AS local,
        coalesce((SELECT array_agg(lower(${i.value})) FROM ${i.$} WHERE ${i.teamId} = ${p.teamId} AND ${i.personId} = ${p.id} AND ${i.kind} = 'os-user'), '{}') AS os_users
      FROM ${p.$} WHERE ${p.teamId} = ${scope.teamId}::uuid
    )
    SELECT a.id::text AS "sourceId", a."displayName" AS "sourceName", b.id::text AS "targetId", b."displayName" AS "targetName", b.email AS "targetEmail",
      CASE WHEN b.local = ANY(a.os_users) THEN 'OS user ' || b.local || ' and the email ' || b.email
           WHEN a.local = ANY(b.os_users) THEN 'OS user ' || a.local || ' and the email ' || a.email
           ELSE 'the same name' END AS reason
    FROM p a JOIN p b ON a.id <> b.id
    WHERE a."userId" IS NULL
      AND (a.strength < b.strength OR (a.strength = b.strength AND (a."createdAt", a.id) > (b."createdAt", b.id)))
      AND (lower(a."displayName") = lower(b."displayName") OR b.local = ANY(a.os_users) OR a.local = ANY(b.os_users))
    ORDER BY b."displayName", a."displayName" LIMIT ${limit}`;
}
