/**
 * Which tool calls read a standing instruction file (CLAUDE.md, AGENTS.md, GEMINI.md, Cursor
 * rules, memory files). ToolCall.summary holds the file path (Read) or the command (Bash, Codex
 * shell): a command is split into words and each word is tested. Plain string operations over a
 * summary the parser already cut to a bounded length: linear time, no regular expression.
 */

/** File names that are instructions wherever they live. */
const INSTRUCTION_FILE_NAMES = new Set([
  "claude.md",
  "claude.local.md",
  "agents.md",
  "agents.override.md",
  "gemini.md",
  ".cursorrules",
  "memory.md",
]);
/** Folders whose files are instructions (Cursor rules, Claude Code memory). */
const INSTRUCTION_FOLDERS = [".cursor/rules/", ".claude/memory/", ".claude/rules/"];

/** The instruction file `summary` reads, as written in the trace, or null. */
export function instructionFileRead(summary: string | null): string | null {
  if (summary === null) return null;
  for (const word of summary.split(/[\s"'`;|&<>()]+/)) {
    if (word.length === 0) continue;
    const path = word.replaceAll("\\", "/");
    const lower = path.toLowerCase();
    const name = lower.slice(lower.lastIndexOf("/") + 1);
    if (INSTRUCTION_FILE_NAMES.has(name)) return path;
    if (INSTRUCTION_FOLDERS.some((folder) => lower.startsWith(folder) || lower.includes(`/${folder}`))) return path;
  }
  return null;
}

/** The MCP server of a Claude Code tool name `mcp__<server>__<tool>`, or null. */
export function mcpServerOf(toolName: string): string | null {
  if (!toolName.startsWith("mcp__")) return null;
  const end = toolName.indexOf("__", 5);
  return end > 5 ? toolName.slice(5, end) : null;
}
