import { otlpRoute } from "@/lib/ingest/otlp-route";

export const dynamic = "force-dynamic";

/** OTLP/HTTP logs (Claude Code's claude_code.api_request events), JSON or protobuf, gzip allowed. */
export const POST = otlpRoute("logs");
