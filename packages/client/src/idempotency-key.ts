/**
 * Client-generated idempotency keys for publishes (see offline-queue.ts for why).
 * Uses Web Crypto, which browsers and Node 20 both expose as `globalThis.crypto`;
 * `randomUUID` needs a secure context in browsers, so fall back to `getRandomValues`.
 */
export function generateIdempotencyKey(): string {
  const webCrypto = globalThis.crypto;
  if (typeof webCrypto.randomUUID === "function") return webCrypto.randomUUID();
  const bytes = webCrypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
