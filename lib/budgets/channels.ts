/**
 * Sending one alert to one channel. Each function resolves when the receiver accepted it and throws
 * (with a message for the delivery log) when it did not; retries are deliver.ts's business.
 *
 * - webhook: POST of the JSON payload; with a secret, `X-TRH-Signature-256: sha256=<hex HMAC-SHA256
 *   of the raw body>` (verify it over the bytes received, before parsing).
 * - slack: a Slack incoming webhook's `{"text"}` with a link to the budget.
 * - email: over SMTP, configured by TRH_SMTP_URL (e.g. smtp://user:pass@mail.example.com:587;
 *   smtps:// for implicit TLS) and TRH_SMTP_FROM (default "Token Robin Hood <trh@localhost>").
 */
import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import { postGuarded } from "@/lib/http/outbound-post";
import { type AlertPayload, alertSentence } from "./alert-payload";

export const SIGNATURE_HEADER = "X-TRH-Signature-256";
const SEND_TIMEOUT_MS = 10_000;

export interface ChannelTarget {
  kind: string;
  url: string | null;
  secret: string | null;
  to: string | null;
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export async function sendToChannel(channel: ChannelTarget, payload: AlertPayload, deliveryId: string): Promise<void> {
  switch (channel.kind) {
    case "webhook": {
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-trh-event": payload.event,
        "x-trh-delivery": deliveryId,
      };
      if (channel.secret) headers[SIGNATURE_HEADER] = signBody(body, channel.secret);
      return post(channel.url!, body, headers);
    }
    case "slack":
      return post(channel.url!, JSON.stringify(slackMessage(payload)), { "content-type": "application/json" });
    case "email":
      return sendEmail(channel.to!, payload);
    default:
      throw new Error(`unknown channel kind ${channel.kind}`);
  }
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  let status: number;
  try {
    status = await postGuarded(url, body, headers, SEND_TIMEOUT_MS);
  } catch (error) {
    throw new Error(`POST failed: ${(error as Error).message}`);
  }
  if (status < 200 || status > 299) throw new Error(`the receiver answered ${status}`);
}

/** Slack's mrkdwn treats &, < and > as control characters; names from traces must not make links. */
function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function slackMessage(payload: AlertPayload): { text: string } {
  return { text: `${slackEscape(alertSentence(payload))} <${payload.url}|Open the budget in Token Robin Hood>` };
}

let transport: { url: string; transporter: nodemailer.Transporter } | null = null;

async function sendEmail(to: string, payload: AlertPayload): Promise<void> {
  const url = process.env.TRH_SMTP_URL;
  if (!url) throw new Error("email is not configured: set TRH_SMTP_URL (smtp://user:pass@host:587)");
  if (transport?.url !== url)
    transport = {
      url,
      transporter: nodemailer.createTransport(url, {
        connectionTimeout: SEND_TIMEOUT_MS,
        greetingTimeout: SEND_TIMEOUT_MS,
        socketTimeout: SEND_TIMEOUT_MS,
      }),
    };
  const sentence = alertSentence(payload);
  await transport.transporter.sendMail({
    from: process.env.TRH_SMTP_FROM || "Token Robin Hood <trh@localhost>",
    to,
    // A header line: no line breaks from names in it.
    subject: `[Token Robin Hood] ${sentence}`.replace(/[\r\n]+/g, " ").slice(0, 200),
    text: `${sentence}\n\nBudget: ${payload.url}\n`,
  });
}
