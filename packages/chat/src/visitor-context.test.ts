import { createHmac } from "node:crypto";
import { checkIdentity, identityHash, resolveVisitor } from "./visitor-context";

const SECRET = "s3cret-of-the-shop-0123456789";
const hmac = (subject: string) => createHmac("sha256", SECRET).update(subject).digest("hex");

describe("identityHash", () => {
  it("is hex HMAC-SHA256 (RFC 4231-style known vector)", () => {
    expect(identityHash("key", "The quick brown fox jumps over the lazy dog")).toBe("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  });
});

describe("checkIdentity", () => {
  it("accepts any identity as unverified when the tenant has no secret", () => {
    expect(checkIdentity(null, { userId: "u1", userHash: "0".repeat(64) })).toEqual({ ok: true, verified: false });
    expect(checkIdentity("", { email: "a@b.test" })).toEqual({ ok: true, verified: false });
  });

  it("verifies the hash of the userId, in either hex case", () => {
    expect(checkIdentity(SECRET, { userId: "u-42", userHash: hmac("u-42") })).toEqual({ ok: true, verified: true });
    expect(checkIdentity(SECRET, { userId: "u-42", userHash: hmac("u-42").toUpperCase() })).toEqual({ ok: true, verified: true });
  });

  it("uses the e-mail, exactly as sent, only when there is no userId", () => {
    expect(checkIdentity(SECRET, { email: "Ana@Shop.test", userHash: hmac("Ana@Shop.test") })).toEqual({ ok: true, verified: true });
    expect(checkIdentity(SECRET, { email: "Ana@Shop.test", userHash: hmac("ana@shop.test") }).ok).toBe(false);
    // With a userId the subject is the userId: a hash of the e-mail does not verify it.
    expect(checkIdentity(SECRET, { userId: "u-42", email: "ana@shop.test", userHash: hmac("ana@shop.test") }).ok).toBe(false);
  });

  it("refuses a wrong, foreign-secret or missing hash with identity_unverified", () => {
    const other = createHmac("sha256", "another-secret-entirely").update("u-42").digest("hex");
    for (const identity of [{ userId: "u-42", userHash: hmac("u-43") }, { userId: "u-42", userHash: other }, { userId: "u-42" }]) {
      const check = checkIdentity(SECRET, identity);
      expect(check).toEqual({ ok: false, error: { code: "identity_unverified", message: expect.any(String) } });
    }
  });
});

describe("resolveVisitor", () => {
  const prechat = { name: "Pre Chat", email: "Pre@Chat.test" };

  it("without an identity keeps the pre-chat form's values, e-mail in lower case, unverified", () => {
    expect(resolveVisitor(SECRET, prechat, undefined)).toEqual({ visitor: { name: "Pre Chat", email: "pre@chat.test", userId: null, verified: false } });
  });

  it("a verified identity replaces name and e-mail (even with no e-mail of its own)", () => {
    expect(resolveVisitor(SECRET, prechat, { userId: "u-42", name: "Ana", userHash: hmac("u-42") })).toEqual({
      visitor: { name: "Ana", email: null, userId: "u-42", verified: true },
    });
  });

  it("a refused identity keeps none of its fields and says why", () => {
    const result = resolveVisitor(SECRET, prechat, { userId: "u-42", name: "Mallory", email: "boss@shop.test", userHash: hmac("u-1") });
    expect(result.visitor).toEqual({ name: "Pre Chat", email: "pre@chat.test", userId: null, verified: false });
    expect(result.refused?.code).toBe("identity_unverified");
  });

  it("without a secret an identity is taken over the form, unverified", () => {
    expect(resolveVisitor(null, prechat, { userId: "u-42", email: "Ana@Shop.test" })).toEqual({
      visitor: { name: "Pre Chat", email: "ana@shop.test", userId: "u-42", verified: false },
    });
  });
});
