/**
 * One adapter message per event, to the nodes that need it: with three gateways on the
 * sharded adapter (dynamic mode) and a stream subscribed on one node only, that node
 * receives each event once and the other two receive nothing of it (their
 * roomcast_adapter_messages_received_total stays put, and Redis counts one subscriber on
 * the stream's channel). Filters are applied on the receiving node, for live events as for
 * the replay.
 */
import { publishMany } from "@roomcast/db";
import { Redis } from "ioredis";
import { until } from "@roomcast/gateway/testing";
import { holdableClient, recordInto } from "../support/sdk";
import { chatEvent } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

describe("fan-out", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateways: 3 });
  }, 120_000);
  afterAll(() => stack.close());

  const received = async (node: number) => (await stack.nodes[node]!.gateway.metrics.adapterMessagesReceived.get()).values[0]?.value ?? 0;

  it("sends a stream's events only to the node that has its subscriber, once each, filtered there", async () => {
    const token = stack.token({ sub: "agent", tenant: "acme", role: "agent" });
    const everything = holdableClient(stack.nodes[1]!.url, token);
    const filtered = holdableClient(stack.nodes[1]!.url, token);
    const redis = new Redis(stack.config.redis?.url ?? "redis://127.0.0.1:6379");
    try {
      const all = recordInto(everything.client, { channel: "chat", topic: "solo" });
      const onlyUrgent = recordInto(filtered.client, { channel: "chat", topic: "solo", types: ["message"], minPriority: 8 });
      expect(await all.ready).toMatchObject({ ok: true });
      expect(await onlyUrgent.ready).toMatchObject({ ok: true });

      const channel = `${stack.prefix}:io#/#acme:chat:solo#`;
      const [, subscribers] = (await redis.call("PUBSUB", "SHARDNUMSUB", channel)) as [string, number];
      expect(subscribers).toBe(1);

      const before = await Promise.all([0, 1, 2].map(received));
      const events = Array.from({ length: 20 }, (_, i) => ({ ...chatEvent("solo", i + 1), priority: i % 10, type: i % 2 === 0 ? "message" : "status" }));
      await stack.db.prisma.$transaction((tx) => publishMany(tx, events));
      await all.waitFor(20);
      all.assertContiguous(0, 20);
      const urgent = events.map((e, i) => ({ ...e, offset: i + 1 })).filter((e) => e.type === "message" && e.priority >= 8);
      await until("the filtered subscriber's events", 10_000, () => onlyUrgent.events.length >= urgent.length);

      const after = await Promise.all([0, 1, 2].map(received));
      expect(after[1]! - before[1]!).toBe(20);
      expect(after[0]! - before[0]!).toBe(0);
      expect(after[2]! - before[2]!).toBe(0);
      expect(onlyUrgent.events.map((e) => e.offset)).toEqual(urgent.map((e) => e.offset));

      // The replay goes through the same filter.
      const late = holdableClient(stack.nodes[2]!.url, token);
      try {
        const replay = recordInto(late.client, { channel: "chat", topic: "solo", since: 0, types: ["message"], minPriority: 8 });
        expect(await replay.ready).toMatchObject({ ok: true, replayed: urgent.length });
        expect(replay.events.map((e) => e.offset)).toEqual(urgent.map((e) => e.offset));
      } finally {
        late.client.close();
      }
    } finally {
      everything.client.close();
      filtered.client.close();
      redis.disconnect();
    }
  }, 60_000);

  it("filters by source and by a named priority, live and in the replay alike", async () => {
    const token = stack.token({ sub: "agent", tenant: "acme", role: "agent" });
    // One subscription per stream per client (the SDK's rule), so one client per filter.
    const live = holdableClient(stack.nodes[0]!.url, token);
    const liveHigh = holdableClient(stack.nodes[0]!.url, token);
    const late = holdableClient(stack.nodes[2]!.url, token);
    const later = holdableClient(stack.nodes[1]!.url, token);
    try {
      const billing = recordInto(live.client, { channel: "chat", topic: "mixed", sources: ["billing"] });
      const high = recordInto(liveHigh.client, { channel: "chat", topic: "mixed", minPriority: "high" });
      expect(await billing.ready).toMatchObject({ ok: true });
      expect(await high.ready).toMatchObject({ ok: true });
      const events = Array.from({ length: 12 }, (_, i) => ({ ...chatEvent("mixed", i + 1), type: "tick", source: i % 3 === 0 ? "billing" : "crm", priority: i % 10 }));
      await stack.db.prisma.$transaction((tx) => publishMany(tx, events));
      const offsets = (keep: (e: (typeof events)[number]) => boolean) => events.flatMap((e, i) => (keep(e) ? [i + 1] : []));
      const fromBilling = offsets((e) => e.source === "billing");
      const atLeastHigh = offsets((e) => e.priority >= 7);
      await until("the live filtered subscribers' events", 10_000, () => billing.events.length >= fromBilling.length && high.events.length >= atLeastHigh.length);
      // A fence: one event both filters pass, so nothing else is still on its way.
      await stack.db.prisma.$transaction((tx) => publishMany(tx, [{ ...chatEvent("mixed", 13), type: "tick", source: "billing", priority: 9 }]));
      await until("the fence at both subscribers", 10_000, () => billing.events.some((e) => e.offset === 13) && high.events.some((e) => e.offset === 13));
      expect(billing.events.map((e) => e.offset)).toEqual([...fromBilling, 13]);
      expect(high.events.map((e) => e.offset)).toEqual([...atLeastHigh, 13]);

      const replayBilling = recordInto(late.client, { channel: "chat", topic: "mixed", since: 0, sources: ["billing"] });
      expect(await replayBilling.ready).toMatchObject({ ok: true, replayed: fromBilling.length + 1 });
      expect(replayBilling.events.map((e) => e.offset)).toEqual([...fromBilling, 13]);
      const replayHigh = recordInto(later.client, { channel: "chat", topic: "mixed", since: 0, minPriority: "high" });
      expect(await replayHigh.ready).toMatchObject({ ok: true, replayed: atLeastHigh.length + 1 });
      expect(replayHigh.events.map((e) => e.offset)).toEqual([...atLeastHigh, 13]);
    } finally {
      for (const { client } of [live, liveHigh, late, later]) client.close();
    }
  }, 60_000);
});
