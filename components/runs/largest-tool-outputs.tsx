import { formatInteger, formatTokens } from "@/lib/format";
import type { RunCall } from "@/lib/queries/run-detail";
import { formatBytes } from "./format-bytes";
import { ToolOutputText } from "./tool-output-text";

/**
 * The tool calls whose output was largest: each is read again by every later call of the run.
 * Each opens its output text, the evidence behind oversized and repeated output findings.
 */
export function LargestToolOutputs({ runId, calls, limit = 8 }: { runId: string; calls: RunCall[]; limit?: number }) {
  const tools = calls
    .flatMap((call) => call.toolCalls.map((tool) => ({ ...tool, callOrdinal: call.ordinal })))
    .filter((tool) => (tool.outputBytes ?? 0) > 0)
    .sort((a, b) => (b.outputBytes ?? 0) - (a.outputBytes ?? 0))
    .slice(0, limit);
  return (
    <section className="panel" data-testid="largest-tool-outputs">
      <h2>Largest tool outputs</h2>
      {tools.length === 0 ? (
        <p className="muted">No tool output recorded for this run.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Tool</th>
              <th>What</th>
              <th className="num">Output</th>
              <th className="num">Call</th>
            </tr>
          </thead>
          <tbody>
            {tools.map((tool) => (
              <tr key={tool.id} data-testid="large-tool-output">
                <td>{tool.name}</td>
                <td className="summary">
                  {tool.summary ?? ""}
                  <div>
                    <ToolOutputText runId={runId} toolCallId={tool.id} />
                  </div>
                </td>
                <td className="num nowrap">
                  {formatBytes(tool.outputBytes)}
                  {tool.outputTokens !== null ? (
                    <div className="muted small">~{formatTokens(tool.outputTokens)} tokens</div>
                  ) : null}
                </td>
                <td className="num">
                  <a href={`#call-${tool.callOrdinal}`}>call {formatInteger(tool.callOrdinal)}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
