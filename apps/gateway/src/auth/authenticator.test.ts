import { loadConfig } from "@roomcast/config";
import jwt from "jsonwebtoken";
import { createAuthenticator } from "./authenticator";
import { signToken } from "./sign-token";

const SECRET = "unit-test-secret-unit-test-secret-0000";

describe("authenticator", () => {
  const { config } = loadConfig({ ROOMCAST_JWT_SECRET: SECRET, ROOMCAST_JWT_ISSUER: "roomcast", ROOMCAST_JWT_AUDIENCE: "gateway" });
  const auth = createAuthenticator(config.jwt);
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it("turns a valid token into a principal, from a header or the socket auth", async () => {
    const token = signToken(config.jwt, { sub: "v1", tenant: "acme", role: "visitor", session: "s1" });
    const expected = {
      ok: true,
      principal: { sub: "v1", tenant: "acme", role: "visitor", session: "s1" },
      grant: { exp: expect.any(Number), iat: expect.any(Number), jti: expect.any(String) },
    };
    expect(await auth.authenticate(bearer(token))).toEqual(expected);
    expect(await auth.authenticate({ headers: {}, socketToken: token })).toEqual(expected);
  });

  it("carries the token's display name into the principal, and refuses a name that is not a short string", async () => {
    const named = signToken(config.jwt, { sub: "ana", tenant: "acme", role: "agent", name: "Ana" });
    expect(await auth.authenticate(bearer(named))).toMatchObject({ ok: true, principal: { sub: "ana", name: "Ana" } });
    const bad = jwt.sign({ tid: "acme", role: "agent", name: 42, exp: Math.floor(Date.now() / 1000) + 60 }, SECRET, { subject: "ana", issuer: "roomcast", audience: "gateway" });
    expect(await auth.authenticate(bearer(bad))).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it.each([
    ["missing", {}, "missing token"],
    ["wrong issuer", { issuer: "someone-else", audience: "gateway" }, "invalid token"],
    ["wrong audience", { issuer: "roomcast", audience: "other" }, "invalid token"],
  ])("refuses a %s token", async (_name, options, message) => {
    const carrier =
      "issuer" in options
        ? bearer(jwt.sign({ tid: "acme", role: "agent" }, SECRET, { subject: "a", expiresIn: 60, ...options }))
        : { headers: {} };
    expect(await auth.authenticate(carrier)).toEqual({ ok: false, error: { code: "unauthorized", message } });
  });

  it("refuses a token whose claims do not parse", async () => {
    const token = jwt.sign({ tid: "acme", role: "superuser" }, SECRET, { subject: "a", expiresIn: 60, issuer: "roomcast", audience: "gateway" });
    expect(await auth.authenticate(bearer(token))).toEqual({ ok: false, error: { code: "unauthorized", message: "invalid token claims" } });
  });

  it("refuses an HS256 token when only a public key is configured (algorithm confusion)", async () => {
    const { config: rsa } = loadConfig({ ROOMCAST_JWT_PUBLIC_KEY: "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----" });
    const token = jwt.sign({ tid: "acme", role: "admin" }, "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----", { subject: "a", expiresIn: 60 });
    const outcome = await createAuthenticator(rsa.jwt).authenticate(bearer(token));
    expect(outcome.ok).toBe(false);
  });
});
