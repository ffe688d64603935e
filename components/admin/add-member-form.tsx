"use client";

import { useActionState } from "react";
import { addMemberAction, type MemberFormState } from "@/lib/admin/member-actions";

export function AddMemberForm() {
  const [state, action, pending] = useActionState<MemberFormState, FormData>(addMemberAction, {
    error: null,
    done: null,
  });
  return (
    <form action={action} className="inline" data-testid="add-member-form">
      {state.error ? (
        <div className="notice error" style={{ width: "100%" }}>
          {state.error}
        </div>
      ) : null}
      {state.done?.outcome === "created" ? (
        <div className="notice ok" style={{ width: "100%" }} data-testid="member-added">
          Added {state.done.email}. Share the password with them securely.
        </div>
      ) : null}
      {state.done?.outcome === "invited" ? (
        <div className="notice ok" style={{ width: "100%" }} data-testid="member-invited">
          {state.done.email} already has an account: they are invited and join once they accept after signing in. The
          password entered was not used.
        </div>
      ) : null}
      <label>
        Email
        <input name="email" type="email" required />
      </label>
      <label>
        Initial password (new accounts only)
        <input name="password" type="password" minLength={10} autoComplete="new-password" />
      </label>
      <label>
        Role
        <select name="role" defaultValue="MEMBER">
          <option value="MEMBER">Member: team totals and own runs</option>
          <option value="MANAGER">Manager: all of the team&apos;s spend</option>
          <option value="ADMIN">Admin: members, keys, prices, ownership</option>
        </select>
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add member"}
      </button>
    </form>
  );
}
