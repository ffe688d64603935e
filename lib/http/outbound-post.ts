/**
 * A POST to an address someone configured (budget alert webhooks, Slack): the server, not the
 * person who typed the URL, makes the request, so it must not reach what only the server can reach
 * on their behalf. Link-local addresses are refused (169.254.0.0/16 and fe80::/10, where clouds
 * answer with instance credentials, and AWS's fd00:ec2::254), as are unspecified, broadcast and
 * multicast ones; loopback and private networks stay allowed, since a self-hosted server's
 * receivers often live there. The check runs on every address the name resolves to, at connect
 * time (node's `lookup` hook), so a name that resolves elsewhere between a check and the request
 * cannot slip through. Redirects are not followed.
 */
import dns, { type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

const REFUSED_RANGES = new Set(["linkLocal", "unspecified", "broadcast", "multicast"]);
const REFUSED_ADDRESSES = new Set(["fd00:ec2::254"]);

/** Why the address may not be posted to, or null when it may. */
export function refusedAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return null;
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (REFUSED_RANGES.has(range)) return `${address} is a ${range} address`;
  if (REFUSED_ADDRESSES.has(parsed.toNormalizedString()) || REFUSED_ADDRESSES.has(parsed.toString()))
    return `${address} is a cloud metadata address`;
  return null;
}

export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    const refusal = addresses.map((entry) => refusedAddress(entry.address)).find((reason) => reason !== null);
    if (refusal) return callback(new Error(`${hostname} resolves to a refused address: ${refusal}`), "", 0);
    if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/** POSTs `body` and resolves with the answer's status (its body is drained); throws when no answer came. */
export function postGuarded(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<number> {
  const target = new URL(url);
  const literal = target.hostname.replace(/^\[(.*)\]$/, "$1");
  const refusal = refusedAddress(literal);
  if (refusal) return Promise.reject(new Error(`refused: ${refusal}`));
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: guardedLookup,
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", reject);
    request.end(body);
  });
}
