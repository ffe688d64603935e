import { NextResponse } from "next/server";
import { requestScope } from "@/lib/auth/scope";
import {
  compareCohorts,
  compareCsvHeader,
  compareCsvRows,
  compareParams,
  compareQuerySchema,
} from "@/lib/compare/compare-cohorts";
import { toCsv } from "@/lib/export/csv";
import { badRequest, jsonRoute } from "@/lib/http/errors";

export const dynamic = "force-dynamic";

/** `GET /api/v1/compare?from&to&cohort=...&cohort=...[&match=project|none][&format=csv|json]`; CSV also with Accept: text/csv. */
export const GET = jsonRoute(async (request) => {
  const scope = await requestScope(request, "spend:read-team");
  const url = new URL(request.url);
  const format = url.searchParams.get("format");
  if (format !== null && format !== "csv" && format !== "json") throw badRequest("format: csv or json");
  const wantsCsv = format === "csv" || (format === null && (request.headers.get("accept") ?? "").includes("text/csv"));
  const result = await compareCohorts(scope, compareQuerySchema.parse(compareParams(url)));
  if (!wantsCsv) return NextResponse.json(result);
  return new NextResponse(toCsv(compareCsvHeader, compareCsvRows(result)), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="compare-${result.from}-${result.to}.csv"`,
    },
  });
});
