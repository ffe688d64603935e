/**
 * Posting to configured addresses: loopback and private receivers are reached with the exact body,
 * while link-local (cloud metadata) and other refused addresses are refused before any connection,
 * whether written as an address or reached through name resolution.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedLookup, postGuarded, refusedAddress } from "./outbound-post";

let port: number;
const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
    if (request.url === "/silent") return; // never answers
    response.writeHead(request.url === "/teapot" ? 418 : 204).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("postGuarded", () => {
  it("posts the exact body to a loopback receiver, by address and by name, and returns its status", async () => {
    const body = JSON.stringify({ event: "budget.threshold_crossed", name: "Zoë's <budget>" });
    expect(await postGuarded(`http://127.0.0.1:${port}/hook`, body, { "content-type": "application/json" }, 5000)).toBe(
      204,
    );
    expect(await postGuarded(`http://localhost:${port}/teapot`, body, {}, 5000)).toBe(418);
    expect(received.at(-2)).toMatchObject({ body, headers: { "content-type": "application/json" } });
    expect(received.at(-1)!.body).toBe(body);
  });

  it("refuses link-local, metadata, unspecified and broadcast addresses before connecting", async () => {
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://[fe80::1]/",
      "http://[::ffff:169.254.169.254]/",
      "http://[fd00:ec2::254]/",
      "http://0.0.0.0/",
      "http://255.255.255.255/",
    ])
      await expect(postGuarded(url, "{}", {}, 5000), url).rejects.toThrow(/^refused: /);
    expect(refusedAddress("10.1.2.3")).toBeNull();
    expect(refusedAddress("192.168.1.10")).toBeNull();
    expect(refusedAddress("::1")).toBeNull();
  });

  it("checks every address a name resolves to at connect time", async () => {
    const lookup = (name: string) =>
      new Promise<unknown>((resolve, reject) =>
        guardedLookup(name, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
      );
    await expect(lookup("169.254.169.254")).rejects.toThrow(
      /resolves to a refused address: 169.254.169.254 is a linkLocal address/,
    );
    await expect(lookup("localhost")).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({ address: expect.any(String) })]),
    );
  });

  it("gives up on a receiver that never answers", async () => {
    const started = Date.now();
    await expect(postGuarded(`http://127.0.0.1:${port}/silent`, "{}", {}, 300)).rejects.toThrow(
      /no answer within 300 ms/,
    );
    // Generous: only a stall fails this.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
