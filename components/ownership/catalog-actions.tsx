import { catalogAction } from "@/lib/ownership/actions";
import { ActionForm } from "./action-form";
import { Choice } from "./choice";

/**
 * Rename, merge into another and delete, for one person, project or task: folded away in its
 * row so a list of fifty stays one line each.
 */
export function CatalogActions({
  kind,
  id,
  name,
  email,
  mergeTargets,
  canDelete = true,
}: {
  kind: "person" | "project" | "task";
  id: string;
  name: string;
  /** People only: the email field of the rename form (null for members: their account's). */
  email?: string | null;
  mergeTargets: { id: string; label: string }[];
  canDelete?: boolean;
}) {
  return (
    <details className="catalog-actions">
      <summary aria-label={`Edit ${name}`}>Edit</summary>
      <ActionForm action={catalogAction}>
        <input type="hidden" name="kind" value={kind} />
        <input type="hidden" name="op" value="rename" />
        <input type="hidden" name="id" value={id} />
        <label>
          Name
          <input name="name" defaultValue={name} required maxLength={200} />
        </label>
        {email !== undefined && email !== null ? (
          <label>
            Email
            <input name="email" type="email" defaultValue={email} maxLength={320} />
          </label>
        ) : null}
        <button type="submit" className="secondary">
          Rename
        </button>
      </ActionForm>
      {mergeTargets.length > 0 ? (
        <ActionForm action={catalogAction}>
          <input type="hidden" name="kind" value={kind} />
          <input type="hidden" name="op" value="merge" />
          <input type="hidden" name="id" value={id} />
          <label>
            Merge into
            <Choice name="targetId" options={mergeTargets} required />
          </label>
          <button type="submit" className="secondary">
            Merge
          </button>
        </ActionForm>
      ) : null}
      {canDelete ? (
        <ActionForm action={catalogAction}>
          <input type="hidden" name="kind" value={kind} />
          <input type="hidden" name="op" value="delete" />
          <input type="hidden" name="id" value={id} />
          <button type="submit" className="danger">
            Delete {name}
          </button>
        </ActionForm>
      ) : null}
    </details>
  );
}
