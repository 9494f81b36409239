import { createMemoryRevocations } from "./revocations";

describe("memory revocation list", () => {
  const principal = { sub: "alice", tenant: "acme", role: "agent" as const, session: undefined };
  const visitor = { sub: "v1", tenant: "acme", role: "visitor" as const, session: "s1" };
  let now = 1_000_000;
  const list = createMemoryRevocations({ ttlSeconds: 60, now: () => now });

  it("refuses one token by jti until its exp, and no other token", async () => {
    await list.add({ kind: "token", tenant: "acme", jti: "j1", exp: (now + 10_000) / 1000 });
    expect(await list.isRevoked(principal, { exp: 0, iat: now / 1000, jti: "j1" })).toBe(true);
    expect(await list.isRevoked(principal, { exp: 0, iat: now / 1000, jti: "j2" })).toBe(false);
    expect(await list.isRevoked({ ...principal, tenant: "globex" }, { exp: 0, iat: now / 1000, jti: "j1" })).toBe(false);
    now += 10_001;
    expect(await list.isRevoked(principal, { exp: 0, iat: now / 1000, jti: "j1" })).toBe(false);
  });

  it("refuses a user's tokens issued up to the revocation (or without iat), not later ones", async () => {
    const at = now;
    await list.add({ kind: "user", tenant: "acme", sub: "alice", at });
    expect(await list.isRevoked(principal, { exp: 0, iat: (at - 1) / 1000, jti: undefined })).toBe(true);
    expect(await list.isRevoked(principal, { exp: 0, iat: undefined, jti: undefined })).toBe(true);
    expect(await list.isRevoked(principal, { exp: 0, iat: (at + 1) / 1000, jti: undefined })).toBe(false);
    now += 60_001;
    expect(await list.isRevoked(principal, { exp: 0, iat: (at - 1) / 1000, jti: undefined })).toBe(false);
  });

  it("refuses every token of a revoked chat session, whenever issued, and learns from other nodes", async () => {
    list.learn({ kind: "session", tenant: "acme", session: "s1", at: now });
    expect(await list.isRevoked(visitor, { exp: 0, iat: (now + 5000) / 1000, jti: undefined })).toBe(true);
    expect(await list.isRevoked({ ...visitor, session: "s2" }, { exp: 0, iat: now / 1000, jti: undefined })).toBe(false);
  });
});
