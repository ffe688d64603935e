import { NextResponse } from "next/server";
import { assertMay } from "@/lib/auth/policy";
import { requestScope } from "@/lib/auth/scope";
import { updateBudgetSchema } from "@/lib/budgets/budget-input";
import { budgetJson, deleteBudget, updateBudget } from "@/lib/budgets/budgets";
import { jsonRoute } from "@/lib/http/errors";
import { readJsonBody } from "@/lib/http/read-body";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 32 * 1024;

type Context = { params: Promise<{ id: string }> };

export const PATCH = jsonRoute<Context>(async (request, { params }) => {
  const scope = await requestScope(request, "spend:read-team");
  assertMay(scope, "settings:manage", "changing budgets needs an admin, or a key of scope all");
  const input = updateBudgetSchema.parse(await readJsonBody(request, MAX_BODY_BYTES));
  return NextResponse.json({ budget: budgetJson(await updateBudget(scope, (await params).id, input)) });
});

export const DELETE = jsonRoute<Context>(async (request, { params }) => {
  const scope = await requestScope(request, "spend:read-team");
  assertMay(scope, "settings:manage", "changing budgets needs an admin, or a key of scope all");
  await deleteBudget(scope, (await params).id);
  return new Response(null, { status: 204 });
});
