import type { Metadata } from "next";
import { PageHead } from "@/components/page-head";
import { DeletePriceButton, RepriceAllButton } from "@/components/prices/price-buttons";
import { PriceForm } from "@/components/prices/price-form";
import { overridePriceText, periodText, ratesText } from "@/components/prices/price-text";
import { RepriceStatus } from "@/components/prices/reprice-status";
import { may } from "@/lib/auth/policy";
import { pageScope } from "@/lib/auth/scope";
import { formatInteger, formatTokens, formatUsd } from "@/lib/format";
import { deletePriceAction, repriceAllAction, savePriceAction } from "@/lib/pricing/actions";
import { listPriceOverrides } from "@/lib/pricing/overrides";
import { latestRepriceJob } from "@/lib/pricing/reprice";
import { modelPrices } from "@/lib/queries/model-prices";

export const metadata: Metadata = { title: "Prices" };

/** Every member sees the prices; admins set them (the server checks again on every change). */
export default async function PricesPage() {
  const scope = await pageScope("spend:read-team");
  const admin = may(scope, "prices:manage");
  const [overrides, prices, job] = await Promise.all([
    listPriceOverrides(scope),
    modelPrices(scope),
    latestRepriceJob(scope.teamId),
  ]);
  const models = prices.inUse.map((row) => row.model);
  return (
    <>
      <PageHead
        title="Prices"
        subtitle="What each model call costs: the bundled list prices, and the team's own prices from a date."
      />
      <section className="panel">
        <p className="muted">
          A call costs its tokens at its model&apos;s price on the call&apos;s date: uncached input, 5-minute and 1-hour
          cache writes, cache reads and output each at their own rate per million tokens, long-context tiers on the
          whole request, fast mode at its multiplier. The team&apos;s own price wins from its first day to its last
          (UTC): per-token prices (a model the list lacks) or a discount on the list price (a negotiated rate). Changing
          a price re-prices every stored call it covers, with the runs, daily totals, findings and budgets.
        </p>
        <RepriceStatus job={job} />
      </section>

      <section className="panel" data-testid="unpriced-models">
        <h2>Unpriced models</h2>
        {prices.unpriced.length === 0 ? (
          <p className="muted">Every call the team stored has a price.</p>
        ) : (
          <>
            <p className="muted">
              Calls of these models count their tokens but no dollars: the list has no price for them on those days.
              {admin ? " Set their prices here; history is re-priced from the day you choose." : ""}
            </p>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th>Model</th>
                    <th className="num">Calls</th>
                    <th className="num">Input</th>
                    <th className="num">Cache write</th>
                    <th className="num">Cache read</th>
                    <th className="num">Output</th>
                    <th>Days</th>
                  </tr>
                </thead>
                <tbody>
                  {prices.unpriced.map((row) => (
                    <tr key={row.model} data-testid={`unpriced-${row.model}`}>
                      <td>
                        <code>{row.model}</code>
                        {admin ? (
                          <details>
                            <summary>Set its price</summary>
                            <PriceForm
                              action={savePriceAction}
                              models={models}
                              model={row.model}
                              from={row.firstDay}
                              testId={`price-unpriced-${row.model}`}
                            />
                          </details>
                        ) : null}
                      </td>
                      <td className="num">{formatInteger(row.calls)}</td>
                      <td className="num">{formatTokens(row.inputTokens)}</td>
                      <td className="num">{formatTokens(row.cacheWriteTokens)}</td>
                      <td className="num">{formatTokens(row.cacheReadTokens)}</td>
                      <td className="num">{formatTokens(row.outputTokens)}</td>
                      <td className="nowrap">
                        {row.firstDay === row.lastDay ? row.firstDay : `${row.firstDay} to ${row.lastDay}`}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      <section className="panel" data-testid="price-overrides">
        <h2>The team&apos;s prices</h2>
        {overrides.length === 0 ? (
          <p className="muted">None: every call is at the list price.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th>Model</th>
                  <th>Days (UTC)</th>
                  <th>Price</th>
                  {admin ? <th /> : null}
                </tr>
              </thead>
              <tbody>
                {overrides.map((row) => (
                  <tr key={row.id} data-testid={`price-override-${row.model}`}>
                    <td>
                      <code>{row.model}</code>
                    </td>
                    <td className="nowrap">{periodText(row)}</td>
                    <td>
                      {overridePriceText(row.price)}
                      {admin ? (
                        <details>
                          <summary>Change</summary>
                          <PriceForm
                            action={savePriceAction}
                            models={models}
                            override={row}
                            testId={`edit-price-${row.model}`}
                          />
                        </details>
                      ) : null}
                    </td>
                    {admin ? (
                      <td>
                        <DeletePriceButton action={deletePriceAction} overrideId={row.id} model={row.model} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {admin ? (
          <>
            <h3>Add a price</h3>
            <PriceForm action={savePriceAction} models={models} testId="add-price" />
          </>
        ) : (
          <p className="muted small">Prices are set by the team&apos;s admins.</p>
        )}
      </section>

      <section className="panel" data-testid="models-in-use">
        <h2>Models in use</h2>
        {prices.inUse.length === 0 ? (
          <p className="muted">No calls stored yet.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th>Model</th>
                  <th className="num">Calls</th>
                  <th className="num">Cost</th>
                  <th>Price today (per million tokens)</th>
                </tr>
              </thead>
              <tbody>
                {prices.inUse.map((row) => {
                  const override = overrides.find((o) => o.id === row.overrideId);
                  return (
                    <tr key={row.model}>
                      <td>
                        <code>{row.model}</code>
                      </td>
                      <td className="num">{formatInteger(row.calls)}</td>
                      <td className="num">{formatUsd(row.costUsd)}</td>
                      <td>
                        {override ? (
                          <>
                            <span className="badge">team price</span> {overridePriceText(override.price)}
                            {override.price.kind === "discount" && row.list ? ` (list: ${ratesText(row.list)})` : ""}
                          </>
                        ) : row.list ? (
                          ratesText(row.list)
                        ) : (
                          <span className="muted">no list price</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {admin ? <RepriceAllButton action={repriceAllAction} disabled={job?.status === "running"} /> : null}
      </section>
    </>
  );
}
