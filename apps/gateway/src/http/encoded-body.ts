/**
 * A response body held as is, gzip and brotli, compressed once (never per request), and
 * sent in the best encoding a request accepts. For what the gateway holds in memory and
 * serves unchanged: the browser assets (chat/web-assets.ts) and the API description.
 */
import type { Request, Response } from "express";
import Negotiator from "negotiator";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export interface EncodedBody {
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

/** `build`: the highest levels (seconds for a MB, done once by `npm run build`); `load`: fast enough for every start. */
export type CompressionEffort = "build" | "load";

export function encodeBody(body: Buffer | string, effort: CompressionEffort): EncodedBody {
  const identity = typeof body === "string" ? Buffer.from(body) : body;
  const br = brotliCompressSync(identity, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: effort === "build" ? constants.BROTLI_MAX_QUALITY : 9,
      [constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
    },
  });
  return { identity, gzip: gzipSync(identity, { level: effort === "build" ? 9 : 6 }), br };
}

const OURS = ["br", "gzip", "identity"] as const;

/**
 * negotiator 1.1's `encodings(available, { preferred })` (lib/encoding.js): the client's
 * q-values decide, and on a tie our order does. Express's `acceptsEncodings` breaks ties by
 * the client's order instead, and browsers send `gzip, deflate, br, zstd`, all at q=1:
 * that would never pick brotli. @types/negotiator does not declare the option yet.
 */
type EncodingNegotiator = { encodings(available: readonly string[], options: { preferred: readonly string[] }): string[] };

/** The encoding to answer `req` with: brotli or gzip when accepted (server's preference on ties), else none. */
export function chooseEncoding(req: Pick<Request, "headers">): "br" | "gzip" | "identity" {
  const negotiator = new Negotiator(req) as unknown as EncodingNegotiator;
  const [best] = negotiator.encodings(OURS, { preferred: OURS });
  return best === "br" || best === "gzip" ? best : "identity";
}

/**
 * Sends `body` in the best encoding the request accepts (chooseEncoding), always with
 * `Vary: Accept-Encoding`.
 */
export function sendEncoded(req: Request, res: Response, body: EncodedBody): void {
  res.vary("Accept-Encoding");
  const encoding = chooseEncoding(req);
  if (encoding === "br" || encoding === "gzip") {
    res.setHeader("Content-Encoding", encoding);
    res.send(body[encoding]);
    return;
  }
  res.send(body.identity);
}
