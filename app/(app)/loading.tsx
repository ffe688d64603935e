/** Shown while a dashboard page's queries run. */
export default function Loading() {
  return (
    <div className="panel muted" aria-busy="true" data-testid="page-loading">
      Loading…
    </div>
  );
}
