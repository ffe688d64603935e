/**
 * How a provider's model id and a trace's model id are taken to be the same model: both are
 * lower-cased, lose a provider prefix ("anthropic/", "openai/", "models/"), a bracketed suffix
 * ("[1m]") and a trailing release date ("-20250514", "-2024-08-06"); equal results match. So
 * "claude-sonnet-4-20250514" (the bill) meets "claude-sonnet-4-20250514" or "claude-sonnet-4"
 * (a trace), and "gpt-4o-2024-08-06" meets "gpt-4o". The provider of a traced model is read from
 * its name: claude* is Anthropic; gpt*, o1/o3/o4*, codex*, chatgpt* are OpenAI; others have none.
 * Every pattern is anchored and without nested repetition (linear time).
 */
import type { BillingProvider } from "./provider-pull";

export function matchableModel(model: string): string {
  let name = model.trim().toLowerCase();
  const slash = name.lastIndexOf("/");
  if (slash >= 0) name = name.slice(slash + 1);
  const bracket = name.indexOf("[");
  if (bracket > 0) name = name.slice(0, bracket);
  return name.replace(/-\d{8}$/, "").replace(/-\d{4}-\d{2}-\d{2}$/, "");
}

export function providerOfModel(model: string): BillingProvider | null {
  const name = matchableModel(model);
  if (name.startsWith("claude")) return "anthropic";
  if (/^(gpt|o1|o3|o4|codex|chatgpt)/.test(name)) return "openai";
  return null;
}
