import { formatInteger, formatTokens, formatUsd } from "@/lib/format";
import type { RunCall } from "@/lib/queries/run-detail";
import type { ContextPoint } from "@/lib/runs/context-points";

/** Tool calls listed in a timeline row before the rest fold away: a call can fan out to dozens. */
const SHOWN_TOOL_CALLS = 3;

function ToolCallLine({ tool }: { tool: RunCall["toolCalls"][number] }) {
  return (
    <div className="tool">
      <strong>{tool.name}</strong> <span className="summary">{tool.summary ?? ""}</span> <span className="muted">→ {bytes(tool.outputBytes)}</span>
      {tool.isError ? <span className="badge danger">error</span> : null}
    </div>
  );
}

const bytes = (value: number | null) => (value === null ? "–" : value >= 1024 ? `${(value / 1024).toFixed(value >= 10_240 ? 0 : 1)} KB` : `${value} B`);

/**
 * Every call of the run in order, each row `id="call-<ordinal>"` (its number in the run) so charts
 * and waste findings can link to it. Tool summaries are trace content: rendered as text only.
 */
export function CallTimeline({ calls, points }: { calls: RunCall[]; points: ContextPoint[] }) {
  if (calls.length === 0) return <p className="panel muted">This run has no calls.</p>;
  return (
    <section className="panel" data-testid="call-timeline">
      <h2>Timeline ({formatInteger(calls.length)} calls)</h2>
      <div className="table-scroll">
        <table className="timeline">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Time (UTC)</th>
              <th>Model</th>
              <th className="num">Context</th>
              <th className="num">Cache read</th>
              <th className="num">Cache write</th>
              <th className="num">Output</th>
              <th className="num">Cost</th>
              <th className="num">So far</th>
              <th>Tool calls</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((call, i) => {
              const point = points[i]!;
              return (
                <tr key={call.id} id={`call-${call.ordinal}`} data-testid="call-row" className={point.markers.length > 0 ? "marked" : undefined}>
                  <td className="num">{call.ordinal}</td>
                  <td className="nowrap">
                    {call.timestamp.slice(11, 19)}
                    {call.agentId ? <div className="muted small">{call.agentId.startsWith("acompact") ? "compaction" : `subagent ${call.agentId}`}</div> : null}
                  </td>
                  <td className="small">{call.model}</td>
                  <td className="num">{formatTokens(call.contextTokens)}</td>
                  <td className="num">{formatTokens(call.cacheReadTokens)}</td>
                  <td className="num">{formatTokens(call.cacheWriteTokens)}</td>
                  <td className="num">{formatTokens(call.outputTokens)}</td>
                  <td className="num">{formatUsd(call.costUsd)}</td>
                  <td className="num">{formatUsd(point.cumulativeCostUsd)}</td>
                  <td className="tools">
                    {point.markers.map((marker) => (
                      <span key={marker} className={`badge marker-${marker}`}>
                        {marker.replace(/-/g, " ")}
                      </span>
                    ))}
                    {call.toolCalls.slice(0, SHOWN_TOOL_CALLS).map((tool) => (
                      <ToolCallLine key={tool.id} tool={tool} />
                    ))}
                    {call.toolCalls.length > SHOWN_TOOL_CALLS ? (
                      <details>
                        <summary>{call.toolCalls.length - SHOWN_TOOL_CALLS} more tool calls</summary>
                        {call.toolCalls.slice(SHOWN_TOOL_CALLS).map((tool) => (
                          <ToolCallLine key={tool.id} tool={tool} />
                        ))}
                      </details>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The tool calls whose output was largest: each is read again by every later call of the run. */
export function LargestToolOutputs({ calls, limit = 8 }: { calls: RunCall[]; limit?: number }) {
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
              <tr key={tool.id}>
                <td>{tool.name}</td>
                <td className="summary">{tool.summary ?? ""}</td>
                <td className="num nowrap">
                  {bytes(tool.outputBytes)}
                  {tool.outputTokens !== null ? <div className="muted small">~{formatTokens(tool.outputTokens)} tokens</div> : null}
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
