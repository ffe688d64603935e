/**
 * Every trace format and source, in one list each; the rest of the code derives its sets from these.
 * - agentFormats: the agents read from whole files or databases (CONTRACT.md, "More agents");
 * - fileFormats: the formats with a file parser (lib/ingest/parsers), the ones `trh analyze` reads;
 * - ingestFormats: what `POST /api/v1/ingest?format=` accepts, and content detection tells apart;
 * - traceSources: a call's and run's `source`: each format's name, except OTLP/JSON's "otlp".
 */
export const agentFormats = ["opencode", "gemini-cli", "copilot-cli", "amp", "qwen-code"] as const;
export type AgentFormat = (typeof agentFormats)[number];

export const fileFormats = ["claude-code", "codex", ...agentFormats] as const;
export type TraceFormat = (typeof fileFormats)[number];

export const ingestFormats = ["claude-code", "codex", "otlp-json", "native", ...agentFormats] as const;
export type IngestFormat = (typeof ingestFormats)[number];

export const traceSources = ["claude-code", "codex", "otlp", "native", ...agentFormats] as const;
export type TraceSource = (typeof traceSources)[number];

export const isAgentFormat = (format: string): format is AgentFormat =>
  (agentFormats as readonly string[]).includes(format);
