/**
 * The browser assets as a browser gets them, from the gateway itself and through the
 * cluster's nginx (nginx/local.conf.template with proxy.conf and routes.conf, the config the
 * runner uses): brotli or gzip as Accept-Encoding asks, `Vary: Accept-Encoding`, a year's
 * immutable cache for a content-hashed script and a short one for the loader (/widget.js),
 * and a body that, decompressed, is byte for byte the asset the bundler produced. The
 * gateway is a real process run from its sources (`npm start`'s path: bundled at start-up).
 */
import { createTestDatabase, type TestDatabase } from "@roomcast/db/testing";
import { bundleWebAssets } from "@roomcast/gateway/web-bundle";
import { request } from "node:http";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { REPO_ROOT, startGatewayProcess, type GatewayProcess } from "../support/gateway-process";
import { startFront, type Front } from "./nginx-testing";

jest.setTimeout(120_000);

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw GET (no client-side decoding), so the bytes on the wire are what is checked. */
function get(url: string, headers: Record<string, string>): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

const decode = (got: Got): Buffer => {
  const encoding = got.headers["content-encoding"];
  if (encoding === "br") return brotliDecompressSync(got.body);
  if (encoding === "gzip") return gunzipSync(got.body);
  return got.body;
};

describe("compressed, cached assets from the gateway and through nginx", () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let front: Front;
  const expected = new Map<string, string>();
  let hashedWidget = "";

  beforeAll(async () => {
    database = await createTestDatabase();
    // The same recipe the gateway runs at start-up: esbuild's output is deterministic, so
    // these are the bytes the gateway holds.
    for (const asset of await bundleWebAssets(path.join(REPO_ROOT, "apps/widget/src"))) expected.set(asset.route, asset.body);
    // The widget's app (the loader, /widget.js, injects it): the large content-hashed script.
    hashedWidget = [...expected.keys()].find((route) => /^\/assets\/widget-app\.[A-Z0-9]+\.js$/.test(route)) ?? "";
    gateway = await startGatewayProcess({ NODE_ENV: "test", ROOMCAST_JWT_SECRET: "asset-serving-test-secret-0123456789", DATABASE_URL: database.url, ROOMCAST_RELAY: "off" }, 90_000);
    front = await startFront([{ name: "gateway", port: Number(new URL(gateway.url).port), hung: false, close: () => Promise.resolve() }]);
  });
  afterAll(async () => {
    await front?.stop();
    await gateway?.stop();
    await database?.drop();
  });

  const targets = () => ({ gateway: gateway.url, nginx: front.url });

  it.each(["gateway", "nginx"] as const)("%s: a hashed script and the loader, in brotli, gzip and as is", async (target) => {
    expect(hashedWidget).not.toBe("");
    const base = targets()[target];
    const cases = [
      { route: hashedWidget, cache: "public, max-age=31536000, immutable" },
      { route: "/widget.js", cache: "public, max-age=300" },
    ];
    for (const { route, cache } of cases) {
      for (const [accept, encoding] of [
        ["gzip, deflate, br, zstd", "br"],
        ["gzip, deflate", "gzip"],
        ["gzip;q=0.5, br;q=0.1", "gzip"],
        ["identity", undefined],
      ] as const) {
        const got = await get(`${base}${route}`, { "accept-encoding": accept });
        const summary = { route, accept, status: got.status, encoding: got.headers["content-encoding"], cache: got.headers["cache-control"], vary: got.headers.vary };
        expect(summary).toEqual({ route, accept, status: 200, encoding, cache, vary: expect.stringMatching(/Accept-Encoding/i) });
        // The 4 KB loader compresses about 2×, the app over 3×.
        if (encoding !== undefined) expect(got.body.length).toBeLessThan(Buffer.byteLength(expected.get(route) ?? "") / (route === "/widget.js" ? 1.5 : 3));
        expect(decode(got).toString()).toBe(expected.get(route));
      }
    }
  });

  it.each(["gateway", "nginx"] as const)("%s: pages are revalidated, the API description is compressed too", async (target) => {
    const base = targets()[target];
    const page = await get(`${base}/console`, { "accept-encoding": "gzip" });
    expect({ status: page.status, cache: page.headers["cache-control"], encoding: page.headers["content-encoding"] }).toEqual({ status: 200, cache: "no-cache", encoding: "gzip" });
    expect(decode(page).toString()).toMatch(/src="\/assets\/console\.[A-Z0-9]+\.js"/);
    const openapi = await get(`${base}/api/v1/openapi.json`, { "accept-encoding": "br" });
    expect({ status: openapi.status, encoding: openapi.headers["content-encoding"] }).toEqual({ status: 200, encoding: "br" });
    expect(JSON.parse(decode(openapi).toString())).toMatchObject({ openapi: "3.1.0" });
  });
});
