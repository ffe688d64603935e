import Link from "next/link";

/**
 * The empty state of every data page: exactly how a new team gets its traces in. `origin` is the
 * address the browser used, so the commands can be copied as they are.
 */
export function GetStarted({
  origin,
  canManageKeys,
  title = "No agent runs yet: bring in your traces",
}: {
  origin: string;
  canManageKeys: boolean;
  title?: string;
}) {
  return (
    <section className="panel empty" data-testid="get-started">
      <h2>{title}</h2>
      <p className="muted">
        Pick any of these; they all end in the same place and importing twice never counts anything twice.
      </p>
      <ol>
        <li>
          <strong>Upload files.</strong> Drop Claude Code transcripts (<code>~/.claude/projects</code>) or Codex
          rollouts (<code>~/.codex/sessions</code>) on the <Link href="/ingest">Ingest page</Link>.
        </li>
        <li>
          <strong>Push from a developer machine.</strong>{" "}
          {canManageKeys ? (
            <>
              Create an API key with the <em>ingest</em> scope under{" "}
              <Link href="/settings/api-keys">Settings → API keys</Link>, then run:
            </>
          ) : (
            <>
              Create your own push key under <Link href="/settings/api-keys">Settings → Your push keys</Link>, then run:
            </>
          )}
          <pre>{`npx trh push ~/.claude/projects ~/.codex/sessions --url ${origin} --key trh_... --watch`}</pre>
        </li>
        <li>
          <strong>Stream Claude Code telemetry.</strong> Point Claude Code&apos;s OpenTelemetry exporter at this server:
          <pre>{`export CLAUDE_CODE_ENABLE_TELEMETRY=1
export OTEL_LOGS_EXPORTER=otlp
export OTEL_EXPORTER_OTLP_PROTOCOL=http/json
export OTEL_EXPORTER_OTLP_ENDPOINT=${origin}/api/otlp
export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer trh_..."`}</pre>
        </li>
        <li>
          <strong>Just look locally, no server.</strong> <code>npx trh analyze</code> prints your own spend per day from
          the files on your machine.
        </li>
      </ol>
    </section>
  );
}
