/**
 * A team's billing sources: add one (the admin key is encrypted before it reaches the database),
 * list them with their last sync's status. Nothing here ever returns or logs a key.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Scope } from "@/lib/auth/scope";
import { teamDb } from "@/lib/db/team-db";
import { Prisma } from "@/lib/generated/prisma/client";
import { HttpError } from "@/lib/http/errors";
import { encryptAdminKey } from "./admin-key-vault";
import { type BillingProvider, billingProviders } from "./provider-pull";

export const newBillingSourceSchema = z.object({
  provider: z.enum(billingProviders),
  name: z.string().trim().min(1).max(100),
  // Admin keys are printable tokens (sk-ant-admin..., sk-admin-...); anything else is a paste error.
  adminKey: z
    .string()
    .trim()
    .min(8, "the admin key is too short")
    .max(500)
    .regex(/^[\x21-\x7e]+$/, "the admin key must be one printable token"),
});

export interface BillingSourceSummary {
  id: string;
  provider: BillingProvider;
  name: string;
  lastSyncStatus: string | null;
  lastSyncAt: Date | null;
  lastSyncError: string | null;
  lastSyncRange: string | null;
}

const summary = {
  id: true,
  provider: true,
  name: true,
  lastSyncStatus: true,
  lastSyncAt: true,
  lastSyncError: true,
  lastSyncRange: true,
} as const;

/** `input` is checked here (it may come straight from a request body). */
export async function createBillingSource(
  scope: Scope,
  input: unknown,
): Promise<{ id: string; provider: BillingProvider; name: string }> {
  const { provider, name, adminKey } = newBillingSourceSchema.parse(input);
  const id = randomUUID();
  try {
    await teamDb(scope).billingSource.create({
      data: {
        teamId: scope.teamId,
        id,
        provider,
        name,
        adminKeyCiphertext: encryptAdminKey(adminKey, { teamId: scope.teamId, sourceId: id }),
      },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new HttpError(409, "conflict", `a billing source named "${name}" already exists`);
    }
    throw error;
  }
  return { id, provider, name };
}

export async function listBillingSources(scope: Scope): Promise<BillingSourceSummary[]> {
  const rows = await teamDb(scope).billingSource.findMany({ select: summary, orderBy: { createdAt: "asc" } });
  return rows as BillingSourceSummary[];
}
