import { createMetrics } from "./metrics";

describe("createMetrics", () => {
  it("keeps one registry per instance, every series labelled with the node", async () => {
    const a = createMetrics({ nodeId: "gw-a", role: "gateway" });
    const b = createMetrics({ nodeId: "gw-b", role: "gateway" });
    a.handshakesRefused.inc({ code: "unauthorized" });
    a.handshakesRefused.inc({ code: "unauthorized" });
    b.rateLimited.inc({ event: "publish" });
    const textA = await a.text();
    const textB = await b.text();
    expect(textA).toContain('roomcast_handshakes_refused_total{code="unauthorized",node="gw-a",role="gateway"} 2');
    expect(textA).not.toContain('roomcast_rate_limited_total{');
    expect(textB).toContain('roomcast_rate_limited_total{event="publish",node="gw-b",role="gateway"} 1');
    expect(textB).not.toContain("gw-a");
  });

  it("reads gauges from their sources at scrape time", async () => {
    let tenants = new Map([["acme", 3], ["globex", 1]]);
    const metrics = createMetrics({
      nodeId: "n1",
      role: "gateway",
      sources: {
        connectionsByTenant: () => tenants,
        subscriptionsByChannel: () => new Map([["chat", 5]]),
        backlog: async () => ({ pending: 7, quarantined: 2, oldestPendingAgeMs: 1500 }),
      },
    });
    let text = await metrics.text();
    expect(text).toContain('roomcast_connections{tenant="acme",node="n1",role="gateway"} 3');
    expect(text).toContain('roomcast_connections{tenant="globex",node="n1",role="gateway"} 1');
    expect(text).toContain('roomcast_subscriptions{channel="chat",node="n1",role="gateway"} 5');
    expect(text).toContain('roomcast_outbox_pending_events{source="db",node="n1",role="gateway"} 7');
    expect(text).toContain('roomcast_outbox_quarantined_events{source="db",node="n1",role="gateway"} 2');
    expect(text).toContain('roomcast_relay_lag_seconds{source="db",node="n1",role="gateway"} 1.5');
    tenants = new Map([["acme", 1]]);
    text = await metrics.text();
    expect(text).toContain('roomcast_connections{tenant="acme",node="n1",role="gateway"} 1');
    expect(text).not.toContain('tenant="globex"');
  });

  it("answers a scrape without the backlog when the database fails or hangs", async () => {
    const failing = createMetrics({ nodeId: "n", role: "relay", sources: { backlog: () => Promise.reject(new Error("db down")) } });
    expect(await failing.text()).not.toMatch(/^roomcast_outbox_pending_events\{/m);
    const hanging = createMetrics({ nodeId: "n", role: "relay", sourceTimeoutMs: 50, sources: { backlog: () => new Promise(() => undefined) } });
    const started = Date.now();
    expect(await hanging.text()).not.toMatch(/^roomcast_relay_lag_seconds\{/m);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("counts what the relay reports through its hooks", async () => {
    const metrics = createMetrics({ nodeId: "relay-1", role: "relay" });
    metrics.relayHooks.onEmitted(10);
    metrics.relayHooks.onEmitted(5);
    metrics.relayHooks.onQuarantine({}, "too big");
    metrics.relayHooks.onRoundFailed(new Error("x"));
    metrics.relayHooks.onRound(4, 15);
    metrics.relayHooks.onRound(1, 0);
    metrics.relayHooks.onLag([0.02, 0.2, 3]);
    const text = await metrics.text();
    expect(text).toMatch(/^roomcast_relay_round_duration_seconds_count\{[^}]*outcome="emitted"[^}]*\} 1$/m);
    expect(text).toMatch(/^roomcast_relay_round_duration_seconds_sum\{[^}]*outcome="emitted"[^}]*\} 0\.004$/m);
    expect(text).toMatch(/^roomcast_relay_round_duration_seconds_count\{[^}]*outcome="idle"[^}]*\} 1$/m);
    expect(text).toContain('roomcast_relay_emit_lag_seconds_bucket{le="0.025",node="relay-1",role="relay"} 1');
    expect(text).toContain('roomcast_relay_emit_lag_seconds_bucket{le="0.25",node="relay-1",role="relay"} 2');
    expect(text).toContain('roomcast_relay_emit_lag_seconds_count{node="relay-1",role="relay"} 3');
    expect(text).toContain('roomcast_relay_events_emitted_total{node="relay-1",role="relay"} 15');
    expect(text).toContain('roomcast_relay_quarantined_total{node="relay-1",role="relay"} 1');
    expect(text).toContain('roomcast_relay_round_failures_total{node="relay-1",role="relay"} 1');
  });

  it("labels per-tenant figures for the first maxTenants tenants and sums the rest as (other)", async () => {
    const metrics = createMetrics({ nodeId: "n", role: "gateway", maxTenants: 2, sources: { connectionsByTenant: () => new Map([["a", 1], ["b", 2], ["c", 3], ["d", 4]]) } });
    metrics.countPublished("a", 1);
    metrics.countPublished("b", 2);
    metrics.countPublished("c", 3);
    metrics.countPublished("d", 4);
    metrics.countDelivered("a", 5);
    metrics.countDelivered("z", 6);
    const text = await metrics.text();
    expect(text).toContain('roomcast_events_published_total{tenant="a",node="n",role="gateway"} 1');
    expect(text).toContain('roomcast_events_published_total{tenant="b",node="n",role="gateway"} 2');
    expect(text).toContain('roomcast_events_published_total{tenant="(other)",node="n",role="gateway"} 7');
    expect(text).toContain('roomcast_events_delivered_total{tenant="a",node="n",role="gateway"} 5');
    expect(text).toContain('roomcast_events_delivered_total{tenant="(other)",node="n",role="gateway"} 6');
    expect(text).toContain('roomcast_connections{tenant="(other)",node="n",role="gateway"} 7');
    expect(text.match(/^roomcast_events_published_total\{/gm)).toHaveLength(3);
  });

  it("says which build runs in roomcast_build_info", async () => {
    const metrics = createMetrics({ nodeId: "n", role: "relay", build: { version: "1.2.3", commit: "abc123", nodeVersion: "20.20.0" } });
    expect(await metrics.text()).toContain('roomcast_build_info{version="1.2.3",commit="abc123",node_version="20.20.0",node="n",role="relay"} 1');
    const unknown = await createMetrics({ nodeId: "n", role: "relay" }).text();
    expect(unknown).toContain(`roomcast_build_info{version="unknown",commit="unknown",node_version="${process.versions.node}",node="n",role="relay"} 1`);
  });
});
