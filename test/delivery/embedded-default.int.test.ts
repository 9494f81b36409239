/**
 * The single-node default, as `npm start` runs it: no DATABASE_URL, no REDIS_URL —
 * embedded PGlite in a data folder (migrated at start-up) and the relay in-process. The
 * catch-up scenario through the HTTP publish API, then a clean SIGTERM.
 */
import { signToken, TEST_SECRET } from "@roomcast/gateway/testing";
import { loadConfig } from "@roomcast/config";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { holdableClient, recordInto } from "../support/sdk";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process";

describe("the embedded single-node default", () => {
  let dir: string;
  let gateway: GatewayProcess;
  const { config } = loadConfig({ ROOMCAST_JWT_SECRET: TEST_SECRET });
  const token = (sub: string, role: "service" | "visitor", session?: string) => signToken(config.jwt, { sub, tenant: "acme", role, session });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "roomcast-embedded-"));
    gateway = await startGatewayProcess({ ROOMCAST_JWT_SECRET: TEST_SECRET, ROOMCAST_DATA_DIR: path.join(dir, "pglite"), ROOMCAST_RELAY_POLL_MS: "200" });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  const publish = async (from: number, count: number) => {
    const events = Array.from({ length: count }, (_, i) => ({ channel: "chat", topic: "s1", type: "tick", data: { n: from + i } }));
    const res = await fetch(`${gateway.url}/api/v1/publish`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token("billing", "service")}` },
      body: JSON.stringify(count === 1 ? events[0] : { events }),
    });
    expect(res.status).toBe(201);
  };

  it("catches a returning subscriber up on 1,000 events, in order, then live ones", async () => {
    const visitor = holdableClient(gateway.url, token("v1", "visitor", "s1"));
    try {
      const app = recordInto(visitor.client, { channel: "chat", topic: "s1" });
      expect(await app.ready).toMatchObject({ ok: true, stream: "acme:chat:s1", offset: 0 });
      await publish(0, 5);
      await app.waitFor(5);
      visitor.away();
      await publish(5, 500);
      await publish(505, 500);
      visitor.back();
      await app.waitFor(1005, 60_000);
      for (let i = 0; i < 5; i++) await publish(1005 + i, 1);
      await app.waitFor(1010);
      app.assertContiguous(0, 1010);
      expect(app.events.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 1010 }, (_, i) => i));
    } finally {
      visitor.client.close();
    }
  }, 120_000);

  it("stops cleanly on SIGTERM", async () => {
    expect(await gateway.stop("SIGTERM")).toBe(0);
  });
});
