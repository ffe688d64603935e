import type { Metadata } from "next";
import { z } from "zod";
import { PageHead } from "@/components/page-head";
import { pageScope } from "@/lib/auth/scope";
import { setRetentionAction } from "@/lib/retention/actions";
import { teamRetentionDays } from "@/lib/retention/raw-calls";

export const metadata: Metadata = { title: "Data retention" };

const searchSchema = z.object({ error: z.string().max(200).optional(), saved: z.string().optional() });

export default async function RetentionPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const scope = await pageScope("settings:manage");
  const { error, saved } = searchSchema.catch({}).parse(await searchParams);
  const days = await teamRetentionDays(scope.teamId);
  return (
    <>
      <PageHead
        title="Data retention"
        subtitle="How long raw model calls and tool calls are kept. Totals, rollups, findings and outcomes are kept forever."
      />
      <section className="panel">
        <p data-testid="retention-now">
          {days === null ? "Raw calls are kept forever." : `Raw calls are kept ${days} days (by their UTC day).`}
        </p>
        <p className="muted small">
          Older calls are deleted as soon as a limit is saved, then every hour: a whole month that no team keeps any
          more is dropped at once, the rest goes in small batches. Every total on every page stays the same: spend, runs
          and their totals, waste and outcomes are counted from rollups kept separately. A run that lost calls says so
          on its page, where its timeline shows only the calls still kept. Calls older than the limit sent later are not
          stored and count as duplicates.
        </p>
        <form action={setRetentionAction} className="inline">
          <label>
            Keep raw calls for{" "}
            <input name="days" type="number" min={1} max={3660} defaultValue={days ?? ""} placeholder="forever" /> days
          </label>
          <button type="submit">Save</button>
        </form>
        {error ? <div className="notice error form-answer">{error}</div> : null}
        {saved && !error ? <div className="notice ok form-answer">Saved.</div> : null}
      </section>
    </>
  );
}
