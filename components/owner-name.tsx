import type { OwnerName } from "@/lib/queries/filter-choices";

/**
 * A person shown the one way pages show people: their display name, with their email beside it
 * where it says more. `owner` is the key the APIs use (email, else display name).
 */
export function OwnerNameText({ owner, names }: { owner: string; names: Record<string, OwnerName> }) {
  const known = names[owner];
  if (!known) return <>{owner}</>;
  return (
    <>
      {known.name}
      {known.email ? <span className="provenance"> · {known.email}</span> : null}
    </>
  );
}

/** The same as plain text, for select options. */
export function ownerLabels(names: Record<string, OwnerName>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(names).map(([key, owner]) => [key, owner.email ? `${owner.name} · ${owner.email}` : owner.name]),
  );
}
