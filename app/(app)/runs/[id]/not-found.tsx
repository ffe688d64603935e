import Link from "next/link";

/** A run id that is not one of the current team's (or not visible to a member) looks the same: not found. */
export default function RunNotFound() {
  return (
    <section className="panel empty" data-testid="run-not-found">
      <h2>No such run in this team</h2>
      <p className="muted">
        The run may belong to another team (switch teams in the sidebar), or your role may only show your own runs.
      </p>
      <Link href="/runs">All runs</Link>
    </section>
  );
}
