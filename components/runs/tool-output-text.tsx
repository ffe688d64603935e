"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatInteger, formatTokens } from "@/lib/format";
import type { ToolOutput } from "@/lib/queries/tool-output";
import { formatBytes } from "./format-bytes";

/**
 * "Show output": loads one tool call's stored output text only when asked (a run's outputs can be
 * many megabytes) and shows it as text, never as markup.
 */
export function ToolOutputText({ runId, toolCallId }: { runId: string; toolCallId: string }) {
  const [open, setOpen] = useState(false);
  const output = useQuery({
    queryKey: ["tool-output", runId, toolCallId],
    enabled: open,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async (): Promise<ToolOutput> => {
      const response = await fetch(`/api/v1/runs/${runId}/tool-calls/${toolCallId}`);
      const body = await response.json();
      if (!response.ok) throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
      return body.toolCall as ToolOutput;
    },
  });
  return (
    <>
      <button
        type="button"
        className="link-button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="show-tool-output"
      >
        {open ? "Hide output" : "Show output"}
      </button>
      {open ? (
        output.isPending ? (
          <p className="muted small" aria-busy="true">
            Loading the output…
          </p>
        ) : output.isError ? (
          <p className="notice error">{output.error.message}</p>
        ) : output.data.outputText === null ? (
          <p className="muted small" data-testid="tool-output-missing">
            This output was stored before its text was kept: import the trace again to add it.
          </p>
        ) : (
          <div data-testid="tool-output">
            <p className="muted small">
              {output.data.isError ? "Error output, " : ""}
              {formatBytes(output.data.outputBytes)}, ~{formatTokens(output.data.outputTokens ?? 0)} tokens
              {output.data.truncated
                ? `; the first ${formatInteger(new TextEncoder().encode(output.data.outputText).length)} bytes are kept`
                : ""}
            </p>
            <pre className="tool-output-text">{output.data.outputText}</pre>
          </div>
        )
      ) : null}
    </>
  );
}
