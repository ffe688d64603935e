"use client";

import { useActionState } from "react";
import { type ApiKeyFormState, createApiKeyAction } from "@/lib/admin/api-key-actions";

export function CreateKeyForm() {
  const [state, action, pending] = useActionState<ApiKeyFormState, FormData>(createApiKeyAction, {
    error: null,
    key: null,
  });
  return (
    <>
      {state.key ? (
        <div className="notice ok">
          <p>Copy this key now. It is not shown again:</p>
          <div className="secret" data-testid="new-api-key">
            {state.key}
          </div>
        </div>
      ) : null}
      {state.error ? <div className="notice error">{state.error}</div> : null}
      <form action={action} className="inline">
        <label>
          Name
          <input name="name" required maxLength={100} placeholder="e.g. ana-laptop, ci" />
        </label>
        <label>
          Scope
          <select name="scope" defaultValue="ingest">
            <option value="ingest">ingest: send traces</option>
            <option value="read">read: the spend API</option>
            <option value="all">all: both</option>
          </select>
        </label>
        <button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create key"}
        </button>
      </form>
    </>
  );
}
