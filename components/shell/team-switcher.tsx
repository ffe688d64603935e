"use client";

import { switchTeamAction } from "@/lib/auth/session-actions";

export function TeamSwitcher({ teams, current }: { teams: { id: string; name: string }[]; current: string }) {
  if (teams.length < 2) return null;
  return (
    <form action={switchTeamAction}>
      <label>
        Team
        <select name="teamId" defaultValue={current} onChange={(event) => event.currentTarget.form?.requestSubmit()}>
          {teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
