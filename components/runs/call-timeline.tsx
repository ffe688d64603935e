"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useRef, useState } from "react";
import { formatInteger, formatTokens, formatUsd } from "@/lib/format";
import type { RunCall } from "@/lib/queries/run-detail";
import type { ContextPoint } from "@/lib/runs/context-points";
import { formatBytes } from "./format-bytes";

/** Tool calls listed in a timeline row before the rest fold away: a call can fan out to dozens. */
const SHOWN_TOOL_CALLS = 3;
/** A first guess at a row's height; each drawn row is measured, so the guess only shapes the scrollbar. */
const ESTIMATED_ROW_PX = 44;
const CALL_HASH = /^#call-(\d{1,9})$/;

function ToolCallLine({ tool }: { tool: RunCall["toolCalls"][number] }) {
  return (
    <div className="tool">
      <strong>{tool.name}</strong> <span className="summary">{tool.summary ?? ""}</span>{" "}
      <span className="muted">→ {formatBytes(tool.outputBytes)}</span>
      {tool.isError ? <span className="badge danger">error</span> : null}
    </div>
  );
}

/**
 * Every call of the run in order, numbered by its ordinal (1..N). Only the rows in view are in the
 * page (@tanstack/react-virtual): a 10,000-call run draws a few dozen rows, not 10,000. A row is
 * `id="call-<ordinal>"`; links to `#call-<ordinal>` (findings, the chart, the largest tool
 * outputs, other pages) are followed here: the row may not be drawn yet, so the hash scrolls the
 * list to it and marks it. Tool summaries are trace content: rendered as text only.
 */
export function CallTimeline({ calls, points }: { calls: RunCall[]; points: ContextPoint[] }) {
  const sectionRef = useRef<HTMLElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [target, setTarget] = useState<number | null>(null);
  const virtualizer = useVirtualizer({
    count: calls.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: 8,
    getItemKey: (index) => calls[index]!.id,
  });

  const showHashedCall = useCallback(() => {
    const ordinal = Number(CALL_HASH.exec(window.location.hash)?.[1]);
    if (!Number.isInteger(ordinal) || ordinal < 1 || ordinal > calls.length) return;
    setTarget(ordinal);
    sectionRef.current?.scrollIntoView({ block: "start" });
    virtualizer.scrollToIndex(ordinal - 1, { align: "center" });
  }, [calls.length, virtualizer]);

  useEffect(() => {
    showHashedCall();
    window.addEventListener("hashchange", showHashedCall);
    // A link to the hash already in the address changes nothing, so no hashchange: follow it by hand.
    const onClick = (event: MouseEvent) => {
      const link = (event.target as Element | null)?.closest?.("a[href^='#call-']");
      if (link && link.getAttribute("href") === window.location.hash) {
        event.preventDefault();
        showHashedCall();
      }
    };
    document.addEventListener("click", onClick);
    return () => {
      window.removeEventListener("hashchange", showHashedCall);
      document.removeEventListener("click", onClick);
    };
  }, [showHashedCall]);

  if (calls.length === 0) return <p className="panel muted">This run has no calls.</p>;
  const rows = virtualizer.getVirtualItems();
  const before = rows[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (rows.at(-1)?.end ?? 0);
  return (
    <section className="panel" data-testid="call-timeline" ref={sectionRef}>
      <h2>Timeline ({formatInteger(calls.length)} calls)</h2>
      <div className="table-scroll timeline-scroll" ref={scrollRef} data-testid="timeline-scroll">
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
            {before > 0 ? (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row standing for the rows out of view; it holds nothing focusable
              <tr aria-hidden="true" style={{ height: before }}>
                <td colSpan={10} />
              </tr>
            ) : null}
            {rows.map((row) => {
              const call = calls[row.index]!;
              const point = points[row.index]!;
              const classes = [point.markers.length > 0 ? "marked" : "", target === call.ordinal ? "targeted" : ""]
                .filter(Boolean)
                .join(" ");
              return (
                <tr
                  key={row.key}
                  ref={virtualizer.measureElement}
                  data-index={row.index}
                  id={`call-${call.ordinal}`}
                  data-testid="call-row"
                  className={classes || undefined}
                >
                  <td className="num">{formatInteger(call.ordinal)}</td>
                  <td className="nowrap">
                    {call.timestamp.slice(11, 19)}
                    {call.agentId ? (
                      <div className="muted small">
                        {call.agentId.startsWith("acompact") ? "compaction" : `subagent ${call.agentId}`}
                      </div>
                    ) : null}
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
            {after > 0 ? (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row standing for the rows out of view; it holds nothing focusable
              <tr aria-hidden="true" style={{ height: after }}>
                <td colSpan={10} />
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
