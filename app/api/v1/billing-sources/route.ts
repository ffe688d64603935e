import { NextResponse } from "next/server";
import { assertMay } from "@/lib/auth/policy";
import { requestScope } from "@/lib/auth/scope";
import { createBillingSource } from "@/lib/billing/billing-sources";
import { jsonRoute } from "@/lib/http/errors";
import { readJsonBody } from "@/lib/http/read-body";

export const dynamic = "force-dynamic";

/** `{"provider", "name", "adminKey"}` is well under a kilobyte. */
const MAX_BODY_BYTES = 4 * 1024;

/** Adds a billing source; the admin key is stored encrypted and never returned. */
export const POST = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  assertMay(scope, "settings:manage", "billing sources need an admin, or a key of scope all");
  const source = await createBillingSource(scope, await readJsonBody(request, MAX_BODY_BYTES));
  return NextResponse.json({ source }, { status: 201 });
});
