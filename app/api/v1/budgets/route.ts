import { NextResponse } from "next/server";
import { assertMay, maySeeEveryonesSpend } from "@/lib/auth/policy";
import { requestScope } from "@/lib/auth/scope";
import { createBudgetSchema } from "@/lib/budgets/budget-input";
import { budgetJson, createBudget, listBudgetStates } from "@/lib/budgets/budgets";
import { jsonRoute } from "@/lib/http/errors";
import { readJsonBody } from "@/lib/http/read-body";

export const dynamic = "force-dynamic";

/** A budget with ten channels is a few KB. */
const MAX_BODY_BYTES = 32 * 1024;

export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const budgets = await listBudgetStates(scope, { withOwners: maySeeEveryonesSpend(scope) });
  return NextResponse.json({ budgets: budgets.map(budgetJson) });
});

export const POST = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  assertMay(scope, "settings:manage", "changing budgets needs an admin, or a key of scope all");
  const input = createBudgetSchema.parse(await readJsonBody(request, MAX_BODY_BYTES));
  return NextResponse.json({ budget: budgetJson(await createBudget(scope, input)) }, { status: 201 });
});
