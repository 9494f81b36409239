/**
 * Poison rows: outbox rows the relay can never emit, written by SQL as a producer might
 * (the table's CHECK constraints are dropped first, standing for rows written before they
 * existed or by a newer writer): an unknown channel, data over the size limit, data
 * nested deeper than any encoder allows. Each is retried, then quarantined on its own
 * with its reason after `maxAttempts`; its offset is delivered as a placeholder so the
 * stream stays gapless; while it waits, every other stream keeps flowing.
 */
import { listQuarantined, publishMany, type Db } from "@roomcast/db";
import { MAX_EVENT_DATA_DEPTH, QUARANTINED_TYPE } from "@roomcast/protocol";
import { until } from "@roomcast/gateway/testing";
import { holdableClient, recordInto } from "../support/sdk";
import { chatEvent } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

/** Appends one event to a stream with the producer's own SQL (offset under the stream lock). */
async function insertBySql(db: Db, row: { stream: string; tenant: string; channel: string; topic: string; dataJson: string }): Promise<void> {
  await db.prisma.$executeRaw`
    WITH s AS (
      INSERT INTO streams (id, tenant_id, partition_key, last_offset) VALUES (${row.stream}, ${row.tenant}, roomcast_partition_key(${row.stream}), 1)
      ON CONFLICT (id) DO UPDATE SET last_offset = streams.last_offset + 1
      RETURNING last_offset
    )
    INSERT INTO outbox_events (id, tenant_id, stream, partition_key, channel, topic, type, data, priority, source, stream_offset)
    SELECT gen_random_uuid(), ${row.tenant}, ${row.stream}, roomcast_partition_key(${row.stream}), ${row.channel}, ${row.topic}, 'message', ${row.dataJson}::jsonb, 5, 'sql-producer', s.last_offset
    FROM s`;
}

/** Enough retries (one per 100 ms poll while a poison row waits) for the other stream's five events to pass first. */
const ATTEMPTS = 30;

describe("poison rows", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateways: 1, relayOptions: { maxAttempts: ATTEMPTS, pollIntervalMs: 100 } });
    await stack.db.prisma.$executeRawUnsafe(
      "ALTER TABLE outbox_events DROP CONSTRAINT outbox_events_channel_check, DROP CONSTRAINT outbox_events_stream_check, DROP CONSTRAINT outbox_events_data_size_check",
    );
  }, 120_000);
  afterAll(() => stack.close());

  it("quarantines each poison row on its own while every other stream keeps flowing", async () => {
    const agent = holdableClient(stack.nodes[0]!.url, stack.token({ sub: "a1", tenant: "acme", role: "agent" }));
    try {
      const deep = recordInto(agent.client, { channel: "chat", topic: "deep" });
      const big = recordInto(agent.client, { channel: "chat", topic: "big" });
      const other = recordInto(agent.client, { channel: "chat", topic: "other" });
      for (const sub of [deep, big, other]) expect(await sub.ready).toMatchObject({ ok: true });

      const nested = "[".repeat(MAX_EVENT_DATA_DEPTH + 8) + "]".repeat(MAX_EVENT_DATA_DEPTH + 8);
      await stack.db.prisma.$transaction((tx) => publishMany(tx, [chatEvent("deep", 1), chatEvent("big", 1)]));
      await insertBySql(stack.db, { stream: "acme:chat:deep", tenant: "acme", channel: "chat", topic: "deep", dataJson: nested });
      await insertBySql(stack.db, { stream: "acme:chat:big", tenant: "acme", channel: "chat", topic: "big", dataJson: JSON.stringify("x".repeat(600_000)) });
      await insertBySql(stack.db, { stream: "acme:bogus:x", tenant: "acme", channel: "bogus", topic: "x", dataJson: "{}" });
      await stack.db.prisma.$transaction((tx) => publishMany(tx, [chatEvent("deep", 3), chatEvent("big", 3)]));

      // While the poison rows are retried, another stream's events go through, one by one
      // (checked below against the time each poison row was set aside).
      const otherDeliveredAt: number[] = [];
      for (let n = 1; n <= 5; n++) {
        await stack.db.prisma.$transaction((tx) => publishMany(tx, [chatEvent("other", n)]));
        await other.waitFor(n);
        otherDeliveredAt.push(Date.now());
      }

      await deep.waitFor(3);
      await big.waitFor(3);
      for (const sub of [deep, big]) {
        sub.assertContiguous(0, 3);
        expect(sub.events.map((e) => e.type)).toEqual(["message", QUARANTINED_TYPE, "message"]);
        expect(sub.events[1]!.data).toBeNull();
      }
      other.assertContiguous(0, 5);

      // Each quarantine is its own statement, so the last may land just after the others' placeholders.
      let quarantined = await listQuarantined(stack.db.prisma);
      await until("all three poison rows quarantined", 10_000, async () => (quarantined = await listQuarantined(stack.db.prisma)).length === 3);
      const reasons = Object.fromEntries(quarantined.map((q) => [q.stream, q.reason]));
      expect(reasons["acme:chat:deep"]).toMatch(new RegExp(`failed ${ATTEMPTS} attempts: data is nested deeper than 32 levels`));
      expect(reasons["acme:chat:big"]).toMatch(new RegExp(`failed ${ATTEMPTS} attempts: data is over \\d+ bytes`));
      expect(reasons["acme:bogus:x"]).toMatch(new RegExp(`failed ${ATTEMPTS} attempts: unknown channel "bogus"`));
      expect(quarantined.every((q) => q.attempts === ATTEMPTS)).toBe(true);
      // No stream waited on a poison row: the other stream's events all arrived before any was set aside.
      const firstQuarantine = Math.min(...quarantined.map((q) => q.quarantinedAt.getTime()));
      expect(Math.max(...otherDeliveredAt)).toBeLessThan(firstQuarantine);

      // A late subscriber replays the same gapless stream, placeholder included.
      const late = holdableClient(stack.nodes[0]!.url, stack.token({ sub: "a2", tenant: "acme", role: "agent" }));
      try {
        const replay = recordInto(late.client, { channel: "chat", topic: "deep", since: 0 });
        expect(await replay.ready).toMatchObject({ ok: true, replayed: 3, offset: 3 });
        expect(replay.events.map((e) => e.type)).toEqual(["message", QUARANTINED_TYPE, "message"]);
      } finally {
        late.client.close();
      }
    } finally {
      agent.client.close();
    }
  }, 60_000);

  it("refuses, at publish, an event over the size limit with payload_too_large and writes nothing", async () => {
    const before = await stack.db.prisma.outboxEvent.count();
    await expect(
      stack.db.prisma.$transaction((tx) => publishMany(tx, [{ ...chatEvent("huge", 1), data: "x".repeat(300_000) }])),
    ).rejects.toMatchObject({ name: "InvalidEventError", code: "payload_too_large" });
    expect(await stack.db.prisma.outboxEvent.count()).toBe(before);
  });

  it("never replays a row the relay could not emit: a catch-up stops just before it", async () => {
    await stack.stopRelays(); // the row stays pending, as while the relay retries it
    await stack.db.prisma.$transaction((tx) => publishMany(tx, [chatEvent("held", 1)]));
    await insertBySql(stack.db, { stream: "acme:chat:held", tenant: "acme", channel: "chat", topic: "held", dataJson: "[".repeat(40) + "]".repeat(40) });
    await stack.db.prisma.$transaction((tx) => publishMany(tx, [chatEvent("held", 3)]));
    const reader = holdableClient(stack.nodes[0]!.url, stack.token({ sub: "a3", tenant: "acme", role: "agent" }));
    try {
      const replay = recordInto(reader.client, { channel: "chat", topic: "held", since: 0 });
      expect(await replay.ready).toMatchObject({ ok: true, replayed: 1, offset: 1 });
      expect(replay.events.map((e) => e.offset)).toEqual([1]);
    } finally {
      reader.client.close();
    }
  });
});
