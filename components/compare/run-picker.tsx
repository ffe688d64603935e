"use client";

import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useId, useState } from "react";
import { FIRST_DAY, LAST_DAY } from "@/lib/days";
import type { RunSummary } from "@/lib/queries/runs-list";
import { pickedRunLabel } from "@/lib/runs/run-place";

const SHOWN = 12;

export interface PickedRun {
  id: string;
  label: string;
}

/**
 * One run of a comparison, found by typing: the runs list's search (title, first message,
 * repository, folder, session id) over all time, latest first. Submits as `name` (the run's id).
 */
export function RunPicker({ name, label, initial }: { name: string; label: string; initial: PickedRun | null }) {
  const [picked, setPicked] = useState<PickedRun | null>(initial);
  const [text, setText] = useState("");
  const query = useDeferredValue(text.trim());
  const listId = useId();
  const runs = useQuery({
    queryKey: ["run-picker", query],
    queryFn: async (): Promise<RunSummary[]> => {
      const params = new URLSearchParams({ from: FIRST_DAY, to: LAST_DAY, sort: "startedAt", limit: String(SHOWN) });
      if (query) params.set("q", query);
      const response = await fetch(`/api/v1/runs?${params}`);
      const body = await response.json();
      if (!response.ok) throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
      return body.runs as RunSummary[];
    },
  });
  return (
    <fieldset className="run-picker" data-testid={`run-picker-${name}`}>
      <legend>{label}</legend>
      <input type="hidden" name={name} value={picked?.id ?? ""} />
      <p className="small" data-testid={`picked-${name}`}>
        {picked ? picked.label : <span className="muted">no run chosen yet</span>}
      </p>
      <label>
        Find a run
        <input
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
          maxLength={200}
          placeholder="title, first message, repository, folder"
          aria-controls={listId}
        />
      </label>
      <ul id={listId} className="run-picker-list" aria-busy={runs.isPending}>
        {runs.isError ? <li className="notice error">{runs.error.message}</li> : null}
        {runs.data?.length === 0 ? <li className="muted small">No run matches.</li> : null}
        {runs.data?.map((run) => (
          <li key={run.id}>
            <button
              type="button"
              className="link-button"
              aria-pressed={picked?.id === run.id}
              onClick={() => setPicked({ id: run.id, label: pickedRunLabel(run) })}
            >
              {pickedRunLabel(run)}
            </button>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
