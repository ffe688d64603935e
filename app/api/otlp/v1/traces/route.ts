import { otlpRoute } from "@/lib/ingest/otlp-route";

export const dynamic = "force-dynamic";

/** OTLP/HTTP traces (GenAI inference spans), JSON or protobuf, gzip allowed. */
export const POST = otlpRoute("traces");
