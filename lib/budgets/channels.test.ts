/** What the channels send, checked without a network: the signature and Slack's escaping. */
import { describe, expect, it } from "vitest";
import type { AlertPayload } from "./alert-payload";
import { signBody, slackMessage } from "./channels";

describe("channels", () => {
  it("sign the raw body as GitHub's documented HMAC-SHA256 example", () => {
    // The test vector from GitHub's "Validating webhook deliveries".
    expect(signBody("Hello, World!", "It's a Secret to Everybody")).toBe(
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
  });

  it("escape names in Slack messages so a trace cannot make links or mentions", () => {
    const payload: AlertPayload = {
      event: "spend.spike",
      budget: { id: "b1", name: "Team <monthly>", scope: { kind: "team", value: null }, period: "month" },
      thresholdPercent: 300,
      spentUsd: 812.5,
      amountUsd: 5000,
      forecastUsd: null,
      periodStart: "2026-11-29",
      periodEnd: "2026-11-29",
      url: "http://trh.test/budgets#budget-b1",
      subject: { kind: "owner", id: "p1", name: "<!channel> & <http://evil|click>", day: "2026-11-29", medianUsd: 40 },
    };
    expect(slackMessage(payload).text).toBe(
      'Spend spike: owner &lt;!channel&gt; &amp; &lt;http://evil|click&gt; spent $812.50 on 2026-11-29 (UTC), more than 3x the median $40.00 of the previous days (budget "Team &lt;monthly&gt;"). <http://trh.test/budgets#budget-b1|Open the budget in Token Robin Hood>',
    );
  });
});
