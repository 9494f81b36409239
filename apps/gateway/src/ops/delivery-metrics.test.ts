import { createMetrics } from "@roomcast/ops";
import type { Principal } from "@roomcast/protocol";
import type { PublishUseCase } from "../publish/publish-use-case";
import { createDeliveryMetrics } from "./delivery-metrics";

const principal: Principal = { sub: "u1", tenant: "acme", role: "member" } as Principal;
const envelopePacket = (ts: string) => ({ type: 2, data: ["event", { stream: "acme:chat:s1", offset: 1, ts }] });

describe("createDeliveryMetrics", () => {
  it("counts deliveries per tenant and observes commit→socket latency once per event", async () => {
    const metrics = createMetrics({ nodeId: "n", role: "gateway" });
    const delivery = createDeliveryMetrics(metrics, () => Date.parse("2026-01-01T00:00:00.250Z"));
    delivery.onDelivered("acme:chat:s1", 3, envelopePacket("2026-01-01T00:00:00.000Z"));
    delivery.onDelivered("acme:chat:s1", 0, envelopePacket("2026-01-01T00:00:00.000Z"));
    delivery.onDelivered("#user:acme:u1", 1, envelopePacket("2026-01-01T00:00:00.000Z"));
    delivery.onDelivered("acme:chat:s1", 1, { data: ["event", { ts: "not a date" }] });
    const text = await metrics.text();
    expect(text).toMatch(/^roomcast_events_delivered_total\{tenant="acme",[^}]*\} 4$/m);
    expect(text).toMatch(/^roomcast_delivery_latency_seconds_count\{[^}]*\} 1$/m);
    expect(text).toMatch(/^roomcast_delivery_latency_seconds_sum\{[^}]*\} 0\.25$/m);
  });

  it("observes replay sizes and counts replayed events as delivered", async () => {
    const metrics = createMetrics({ nodeId: "n", role: "gateway" });
    const delivery = createDeliveryMetrics(metrics);
    delivery.onReplayed("acme", 0);
    delivery.onReplayed("acme", 40);
    const text = await metrics.text();
    expect(text).toMatch(/^roomcast_subscribe_replay_events_count\{[^}]*\} 2$/m);
    expect(text).toMatch(/^roomcast_subscribe_replay_events_bucket\{le="0",[^}]*\} 1$/m);
    expect(text).toMatch(/^roomcast_subscribe_replay_events_bucket\{le="50",[^}]*\} 2$/m);
    expect(text).toMatch(/^roomcast_events_delivered_total\{tenant="acme",[^}]*\} 40$/m);
  });

  it("counts what the publish use case commits, per tenant, and nothing it refuses", async () => {
    const metrics = createMetrics({ nodeId: "n", role: "gateway" });
    const ok = { stream: "acme:chat:s1", offset: 1, id: "e1", ts: "2026-01-01T00:00:00.000Z" };
    let refuse = false;
    const inner: PublishUseCase = {
      one: async () => (refuse ? { ok: false, error: { code: "forbidden", message: "no" } } : { ok: true, ...ok }),
      batch: async () => ({ ok: true, events: [ok, ok, ok] }),
    } as unknown as PublishUseCase;
    const publish = createDeliveryMetrics(metrics).instrumentPublish(inner);
    expect(await publish.one(principal, {})).toMatchObject({ ok: true });
    await publish.batch(principal, {});
    refuse = true;
    expect(await publish.one(principal, {})).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await metrics.text()).toMatch(/^roomcast_events_published_total\{tenant="acme",[^}]*\} 4$/m);
  });
});
