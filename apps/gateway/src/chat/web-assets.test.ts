import express from "express";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { cacheControlOf, loadBuiltWebAssets, WEB_MANIFEST, webAssetMap, webAssetsRouter, writeEncodedTwins, type BuiltWebAsset } from "./web-assets";

const JS = "text/javascript; charset=utf-8";
const script = `console.log(${JSON.stringify("x".repeat(2000))});`;
const built: BuiltWebAsset[] = [
  { route: "/assets/widget.ABC.js", type: JS, immutable: true, crossOrigin: true, body: script },
  { route: "/widget.js", type: JS, immutable: false, crossOrigin: true, body: script },
  { route: "/demo", type: "text/html; charset=utf-8", immutable: false, crossOrigin: false, body: "<!doctype html><p>demo</p>" },
];

describe("cacheControlOf", () => {
  it("caches hashed names for a year, stable scripts for 5 minutes, pages not at all", () => {
    expect(cacheControlOf({ immutable: true, type: JS })).toBe("public, max-age=31536000, immutable");
    expect(cacheControlOf({ immutable: false, type: JS })).toBe("public, max-age=300");
    expect(cacheControlOf({ immutable: false, type: "text/html; charset=utf-8" })).toBe("no-cache");
  });
});

describe("loadBuiltWebAssets", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "roomcast-web-assets-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("serves the build's precompressed twins as they are", () => {
    writeFileSync(path.join(dir, "widget.js"), script);
    writeEncodedTwins(path.join(dir, "widget.js"), script);
    // A twin the loader must take as written, not recompute: its bytes are the build's.
    writeFileSync(path.join(dir, "widget.js.gz"), Buffer.from("prebuilt gzip"));
    writeFileSync(path.join(dir, WEB_MANIFEST), JSON.stringify({ assets: [{ route: "/widget.js", type: JS, immutable: false, crossOrigin: true, file: "widget.js" }] }));
    const asset = loadBuiltWebAssets(dir).get("/widget.js");
    expect(asset?.body.gzip.toString()).toBe("prebuilt gzip");
    expect(brotliDecompressSync(asset?.body.br ?? Buffer.alloc(0)).toString()).toBe(script);
  });

  it("compresses at load a build folder without twins", () => {
    writeFileSync(path.join(dir, "widget.js"), script);
    writeFileSync(path.join(dir, WEB_MANIFEST), JSON.stringify({ assets: [{ route: "/widget.js", type: JS, immutable: false, crossOrigin: true, file: "widget.js" }] }));
    const asset = loadBuiltWebAssets(dir).get("/widget.js");
    expect(gunzipSync(asset?.body.gzip ?? Buffer.alloc(0)).toString()).toBe(script);
  });
});

describe("webAssetsRouter", () => {
  const serve = async (run: (base: string) => Promise<void>) => {
    const app = express().use(webAssetsRouter(webAssetMap(built)));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.close();
    }
  };

  it("picks the encoding by Accept-Encoding and its q-values, always with Vary", async () => {
    await serve(async (base) => {
      for (const [accept, encoding] of [
        ["br", "br"],
        ["gzip, br", "br"],
        // What Chromium sends: every coding at q=1, ours decides.
        ["gzip, deflate, br, zstd", "br"],
        ["br;q=0.2, gzip;q=0.8", "gzip"],
        ["deflate", null],
        ["br;q=0, gzip;q=0", null],
      ] as const) {
        const res = await fetch(`${base}/widget.js`, { headers: { "accept-encoding": accept } });
        expect({ accept, status: res.status, encoding: res.headers.get("content-encoding"), vary: res.headers.get("vary") }).toEqual({ accept, status: 200, encoding, vary: "Accept-Encoding" });
        // fetch decodes brotli and gzip itself.
        expect(await res.text()).toBe(script);
      }
    });
  });

  it("sets each asset's caching and CORS, and leaves unknown paths to the next handler", async () => {
    await serve(async (base) => {
      const hashed = await fetch(`${base}/assets/widget.ABC.js`);
      expect([hashed.headers.get("cache-control"), hashed.headers.get("access-control-allow-origin")]).toEqual(["public, max-age=31536000, immutable", "*"]);
      const page = await fetch(`${base}/demo`);
      expect([page.headers.get("cache-control"), page.headers.get("access-control-allow-origin"), page.headers.get("content-type")]).toEqual(["no-cache", null, "text/html; charset=utf-8"]);
      expect((await fetch(`${base}/assets/other.js`)).status).toBe(404);
    });
  });
});
