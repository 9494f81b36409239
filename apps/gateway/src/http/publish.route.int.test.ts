/**
 * The HTTP API on a single node without Redis: publish with its errors, body limits and
 * health probes. The store is the in-memory fake; the durable path has its own tests.
 */
import { startCluster, type TestCluster } from "../testing/harness";
import { createMemoryStore, type MemoryStore } from "../testing/memory-store";

describe("HTTP API", () => {
  let cluster: TestCluster;
  let store: MemoryStore;
  let base: string;

  beforeAll(async () => {
    store = createMemoryStore();
    cluster = await startCluster({ nodes: 1, redisUrl: null, store: () => store, env: { ROOMCAST_MAX_HTTP_BODY_BYTES: "4096" } });
    base = cluster.nodes[0]!.url;
  });
  afterAll(() => cluster.close());

  const post = (body: unknown, token?: string, raw?: string) =>
    fetch(`${base}/api/v1/publish`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: raw ?? JSON.stringify(body),
    });
  const service = () => cluster.token({ sub: "billing", tenant: "acme", role: "service" });

  it("publishes one event and answers with its id, stream and offset", async () => {
    const res = await post({ channel: "notifications", topic: "u42", type: "invoice.paid", data: { amount: 12 } }, service());
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ ok: true, stream: "acme:notifications:u42", offset: 1 });
    expect(store.events("acme:notifications:u42")[0]).toMatchObject({ type: "invoice.paid", data: { amount: 12 }, source: "service:billing" });
  });

  it("publishes a batch atomically, in order", async () => {
    const events = [1, 2, 3].map((n) => ({ channel: "documents", topic: "d9", type: "progress", data: { n } }));
    const res = await post({ events }, service());
    expect(res.status).toBe(201);
    const body = (await res.json()) as { events: Array<{ offset: number }> };
    expect(body.events.map((e) => e.offset)).toEqual([1, 2, 3]);
  });

  it.each([
    ["no token", 401, "unauthorized", { channel: "system", type: "x", data: 1 }, false],
    ["a member token", 403, "forbidden", { channel: "system", type: "x", data: 1 }, "member"],
    ["an unknown channel", 400, "invalid", { channel: "secrets", type: "x", data: 1 }, "service"],
    ["an unknown key", 400, "invalid", { channel: "system", type: "x", data: 1, tenant: "globex" }, "service"],
    ["a forged topic", 400, "invalid", { channel: "chat", topic: "globex:chat:s1", type: "x", data: 1 }, "service"],
    ["an empty batch", 400, "invalid", { events: [] }, "service"],
    ["a chat product type (no chat domain writes it here)", 403, "reserved_type", { channel: "chat", topic: "s1", type: "message", data: { text: "x" } }, "service"],
    ["a chat product type in a batch", 403, "reserved_type", { events: [{ channel: "system", type: "x", data: 1 }, { channel: "chat", type: "metrics:updated", data: {} }] }, "service"],
  ])("refuses %s with %i %s and changes nothing", async (_name, status, code, body, role) => {
    const before = JSON.stringify(store.events("acme:system"));
    const token = role ? cluster.token({ sub: "x", tenant: "acme", role: role as "service" }) : undefined;
    const res = await post(body, token);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ ok: false, error: { code } });
    expect(JSON.stringify(store.events("acme:system"))).toBe(before);
  });

  it("refuses malformed JSON and an oversized body with stable codes", async () => {
    const bad = await post(undefined, service(), "{not json");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid" } });
    const big = await post({ channel: "system", type: "x", data: "y".repeat(8192) }, service());
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("answers 503 unavailable when the store is down, and nothing is written", async () => {
    store.setAvailable(false);
    try {
      const res = await post({ channel: "system", type: "x", data: 1 }, service());
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: "unavailable" } });
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
    } finally {
      store.setAvailable(true);
    }
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("answers not_found for an unknown API path", async () => {
    const res = await fetch(`${base}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
