/**
 * The forwarded-header rule against a real HTTP server on the loopback interface: the test client
 * is the peer 127.0.0.1, trusted or not depending on the TRH_TRUSTED_PROXIES value under test.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientAddress,
  settleForwardedHeaders,
  TrustedProxiesError,
  type TrustProxy,
  trustedProxies,
} from "./forwarded";

let server: Server;
let trust: TrustProxy = trustedProxies("");
let port = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    settleForwardedHeaders(request, trust);
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify(request.headers));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function settled(headers: Record<string, string>): Promise<IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: "/", headers }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve(JSON.parse(body) as IncomingHttpHeaders));
    });
    req.on("error", reject);
    req.end();
  });
}

const spoofed = {
  "x-forwarded-for": "203.0.113.9",
  "x-forwarded-proto": "https",
  "x-forwarded-host": "evil.example",
  "x-real-ip": "198.51.100.1",
};

describe("forwarded headers", () => {
  it("from an untrusted peer are replaced by the socket's address and dropped", async () => {
    trust = trustedProxies("");
    const headers = await settled(spoofed);
    expect(headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(headers["x-forwarded-proto"]).toBeUndefined();
    expect(headers["x-forwarded-host"]).toBeUndefined();
    expect(headers["x-real-ip"]).toBeUndefined();
    trust = trustedProxies("10.0.0.0/8, 192.168.1.1");
    expect((await settled(spoofed))["x-forwarded-for"]).toBe("127.0.0.1");
  });

  it("from a trusted proxy name the client: the last address before the trusted hops", async () => {
    trust = trustedProxies("127.0.0.0/8,10.0.0.0/8");
    const headers = await settled(spoofed);
    expect(headers["x-forwarded-for"]).toBe("203.0.113.9");
    expect(headers["x-forwarded-proto"]).toBe("https");
    expect(headers["x-forwarded-host"]).toBe("evil.example");
    expect(headers["x-real-ip"]).toBeUndefined();
    // A client's own X-Forwarded-For entry, appended to by the proxies, is not believed.
    const chained = await settled({ "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.1.2.3" });
    expect(chained["x-forwarded-for"]).toBe("203.0.113.9");
  });

  it("from a trusted proxy keep only well-formed scheme and host", async () => {
    trust = trustedProxies("127.0.0.1");
    const headers = await settled({ "x-forwarded-proto": "javascript", "x-forwarded-host": "a b/c" });
    expect(headers["x-forwarded-proto"]).toBeUndefined();
    expect(headers["x-forwarded-host"]).toBeUndefined();
    expect(headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect((await settled({ "x-forwarded-proto": "http, https" }))["x-forwarded-proto"]).toBe("https");
  });

  it("refuse a TRH_TRUSTED_PROXIES entry that is not an address or range", () => {
    expect(() => trustedProxies("10.0.0.0/8, proxy.internal")).toThrow(TrustedProxiesError);
    expect(() => trustedProxies("10.0.0.0/33")).toThrow(/10\.0\.0\.0\/33/);
    expect(trustedProxies("::1, 2001:db8::/32")("2001:db8::5", 0)).toBe(true);
  });

  it("are read back as one client address", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": " 203.0.113.9 " }), true)).toBe("203.0.113.9");
    expect(clientAddress(new Headers(), true)).toBe("unknown");
    // Without our server in front (next dev), the header is the client's word: not used.
    expect(clientAddress(new Headers({ "x-forwarded-for": "203.0.113.9" }), false)).toBe("unknown");
  });
});
