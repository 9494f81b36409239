/**
 * The relay's and the gateway's outbox queries against the real PostgreSQL: the relay
 * port (heartbeat, lock and read per partition, mark emitted, attempts and quarantine),
 * the trigger and CHECK constraints of the outbox table, replay and stream position, and
 * batched retention.
 */
import { QUARANTINED_TYPE } from "@roomcast/protocol";
import { createDb, type Db } from "../create-db";
import type { OutboxEventInput } from "../event-input";
import { publishMany } from "../publish";
import { partitionOf } from "../stream-hash";
import { createTestDatabase, type TestDatabase } from "../testing";
import { outboxBacklog } from "./backlog";
import { listQuarantined } from "./quarantine";
import { readStream } from "./read-stream";
import { createRelayOutbox, RELAY_PARTITIONS, type PendingRef, type RelayOutbox } from "./relay-outbox";
import { deleteExpiredEvents } from "./retention";
import { canReplayFrom, streamPosition } from "./stream-position";

jest.setTimeout(60_000);

let database: TestDatabase;
let db: Db;
let outbox: RelayOutbox;
beforeAll(async () => {
  database = await createTestDatabase();
  db = await createDb({ databaseUrl: database.url });
  outbox = createRelayOutbox(db);
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

const ALL = Array.from({ length: RELAY_PARTITIONS }, (_, p) => p);
describe("relay queries", () => {
  const tenant = "relay";
  const topics = ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8"];
  const mine = (stream: string) => stream.startsWith(`${tenant}:`);

  beforeAll(async () => {
    for (const topic of topics) await publishN(tenant, topic, 3);
  });

  it("queues every committed event, and reads each locked partition in offset order up to the limit", async () => {
    const seen = new Set<string>();
    for (const partition of ALL) {
      const pending = (await outbox.round((r) => r.lockAndRead([partition], 1000))).filter((p) => mine(p.stream));
      for (const event of pending) {
        expect(partitionOf(event.stream, RELAY_PARTITIONS)).toBe(partition);
        seen.add(`${event.stream}#${event.offset}`);
      }
      for (const topic of topics) {
        const offsets = pending.filter((p) => p.stream === `${tenant}:documents:${topic}`).map((p) => p.offset);
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      }
    }
    expect(seen.size).toBe(topics.length * 3);
    const five = await outbox.round((r) => r.lockAndRead(ALL, 5));
    expect(five).toHaveLength(5);
    expect(five[0]).toMatchObject({ attempts: 0, channel: "documents", type: "document:changed", priority: 5 });
    expect(JSON.parse(five[0]?.data ?? "")).toEqual({ n: expect.any(Number) as unknown });
    expect(new Date(five[0]?.ts ?? "").toISOString()).toBe(five[0]?.ts);
  });

  it("lets one relay's session hold a partition across rounds, until its share drops it or it leaves", async () => {
    const stream = `${tenant}:documents:d1`;
    const partition = partitionOf(stream, RELAY_PARTITIONS);
    const other = (p: number) => (p + 1) % RELAY_PARTITIONS;
    await outbox.leave("shared"); // the shared outbox of the other tests lets its locks go
    const first = createRelayOutbox(db);
    const second = createRelayOutbox(db);
    try {
      expect((await first.round((r) => r.lockAndRead([partition], 1000))).length).toBeGreaterThan(0);
      // Held between rounds: the other relay reads nothing of it.
      await expect(second.round((r) => r.lockAndRead([partition], 1000))).resolves.toEqual([]);
      // The first relay's share no longer has it: its next round lets it go.
      await first.round((r) => r.lockAndRead([other(partition)], 1000));
      expect((await second.round((r) => r.lockAndRead([partition], 1000))).length).toBeGreaterThan(0);
      await expect(first.round((r) => r.lockAndRead([partition], 1000))).resolves.toEqual([]);
      // Leaving lets every lock go at once.
      await second.leave("second");
      expect((await first.round((r) => r.lockAndRead([partition], 1000))).length).toBeGreaterThan(0);
    } finally {
      await first.leave("first");
      await second.leave("second");
    }
  });

  it("lets a hung relay's partitions go once its session has been idle past the timeout", async () => {
    const stream = `${tenant}:documents:d3`;
    const partition = partitionOf(stream, RELAY_PARTITIONS);
    await outbox.leave("shared");
    const hung = createRelayOutbox(db, { idleTimeoutMs: 300 });
    const survivor = createRelayOutbox(db);
    try {
      expect((await hung.round((r) => r.lockAndRead([partition], 1000))).length).toBeGreaterThan(0);
      await expect(survivor.round((r) => r.lockAndRead([partition], 1000))).resolves.toEqual([]);
      // The hung relay runs no more statements; PostgreSQL ends its idle session and the lock goes.
      let taken = 0;
      const deadline = Date.now() + 10_000;
      while (taken === 0 && Date.now() < deadline) taken = (await survivor.round((r) => r.lockAndRead([partition], 1000))).length;
      expect(taken).toBeGreaterThan(0);
    } finally {
      await hung.leave("hung").catch(() => undefined);
      await survivor.leave("survivor");
    }
  });

  it("marks emitted events: they are never read again and the cursor moves up, never back", async () => {
    const stream = `${tenant}:documents:d1`;
    const partition = partitionOf(stream, RELAY_PARTITIONS);
    const ofStream = async () => (await outbox.round((r) => r.lockAndRead([partition], 1000))).filter((p) => p.stream === stream);
    const [first, second, third] = await ofStream();
    await outbox.round((r) => r.markEmitted([first!, second!]));
    expect(await streamPosition(db.prisma, stream)).toEqual({ lastOffset: 3, publishedOffset: 2, oldestRetainedOffset: 1 });
    expect((await ofStream()).map((p) => p.offset)).toEqual([3]);
    await outbox.round((r) => r.markEmitted([first!]));
    expect((await streamPosition(db.prisma, stream)).publishedOffset).toBe(2);
    await outbox.round((r) => r.markEmitted([third!]));
    expect((await streamPosition(db.prisma, stream)).publishedOffset).toBe(3);
    expect(await ofStream()).toEqual([]);
  });

  it("carries a mark on the next read: one statement marks the emitted events and reads past them", async () => {
    const stream = `${tenant}:documents:d6`;
    const partition = partitionOf(stream, RELAY_PARTITIONS);
    const read = async (emitted: readonly PendingRef[] = []) =>
      (await outbox.round((r) => r.lockAndRead([partition], 1000, emitted))).filter((p) => p.stream === stream);
    const [first, second, third] = await read();
    // The read that marks `first` and `second` leaves them out though its snapshot still sees them.
    expect((await read([first!, second!])).map((p) => p.offset)).toEqual([3]);
    expect(await streamPosition(db.prisma, stream)).toEqual({ lastOffset: 3, publishedOffset: 2, oldestRetainedOffset: 1 });
    expect((await read()).map((p) => p.offset)).toEqual([3]);
    // Carried again (a retried round), it changes nothing.
    expect((await read([first!, second!])).map((p) => p.offset)).toEqual([3]);
    expect((await read([third!])).map((p) => p.offset)).toEqual([]);
    expect((await streamPosition(db.prisma, stream)).publishedOffset).toBe(3);
  });

  it("marks what it carries when its share has dropped that partition", async () => {
    const stream = `${tenant}:documents:d7`;
    const partition = partitionOf(stream, RELAY_PARTITIONS);
    const other = (partition + 1) % RELAY_PARTITIONS;
    const mineNow = (await outbox.round((r) => r.lockAndRead([partition], 1000))).filter((p) => p.stream === stream);
    expect(mineNow).toHaveLength(3);
    // The share moved to another partition: the carried mark still lands, then the lock goes.
    await outbox.round((r) => r.lockAndRead([other], 1000, mineNow));
    expect((await streamPosition(db.prisma, stream)).publishedOffset).toBe(3);
    const second = createRelayOutbox(db);
    try {
      expect((await second.round((r) => r.lockAndRead([partition], 1000))).filter((p) => p.stream === stream)).toEqual([]);
    } finally {
      await second.leave("second");
    }
  });

  it("counts attempts and quarantines an event so the stream moves on, with a placeholder in replays", async () => {
    const stream = `${tenant}:documents:d2`;
    const partition = partitionOf(stream, RELAY_PARTITIONS);
    const ofStream = async () => (await outbox.round((r) => r.lockAndRead([partition], 1000))).filter((p) => p.stream === stream);
    const [one, stuck] = await ofStream();
    await outbox.round((r) => r.markEmitted([one!]));
    await expect(outbox.round((r) => r.recordFailure(stuck!, "emit failed: adapter closed"))).resolves.toBe(1);
    await expect(outbox.round((r) => r.recordFailure(stuck!, "emit failed again"))).resolves.toBe(2);
    expect((await ofStream())[0]).toMatchObject({ offset: 2, attempts: 2 });
    await outbox.round((r) => r.quarantine(stuck!, "failed 2 attempts: emit failed again"));
    // Set aside, but still pending until its placeholder is flushed and it is marked.
    expect((await streamPosition(db.prisma, stream)).publishedOffset).toBe(1);
    await outbox.round((r) => r.markEmitted([stuck!]));
    expect((await ofStream()).map((p) => p.offset)).toEqual([3]);
    expect((await streamPosition(db.prisma, stream)).publishedOffset).toBe(2);
    const [listed] = (await listQuarantined(db.prisma)).filter((q) => q.id === stuck!.id);
    expect(listed).toMatchObject({ stream, offset: 2, attempts: 2, reason: "failed 2 attempts: emit failed again", lastError: "emit failed again" });
    const replay = await readStream(db.prisma, { stream, after: 0, limit: 10 });
    expect(replay.map((e) => [e.offset, e.type, e.data])).toEqual([
      [1, "document:changed", { n: 1 }],
      [2, QUARANTINED_TYPE, null],
      [3, "document:changed", { n: 3 }],
    ]);
    expect((await outboxBacklog(db.prisma)).quarantined).toBeGreaterThanOrEqual(1);
  });

  it("lists live members sorted, and forgets one that stopped heartbeating or left", async () => {
    const ttl = 60_000;
    await outbox.round((r) => r.heartbeat("relay-b", ttl));
    expect(await outbox.round((r) => r.heartbeat("relay-a", ttl))).toEqual(["relay-a", "relay-b"]);
    await db.prisma.$executeRaw`UPDATE relay_members SET seen_at = seen_at - interval '2 minutes' WHERE id = 'relay-b'`;
    expect(await outbox.round((r) => r.heartbeat("relay-a", ttl))).toEqual(["relay-a"]);
    await outbox.leave("relay-a");
    expect(await outbox.round((r) => r.heartbeat("relay-c", ttl))).toEqual(["relay-c"]);
  });
});

describe("the outbox table", () => {
  const insert = (channel: string, stream: string, data = "{}") => db.prisma.$executeRawUnsafe(
    `INSERT INTO outbox_events (id, tenant_id, stream, partition_key, channel, topic, type, data, priority, source, stream_offset)
     VALUES (gen_random_uuid(), 'sql', $1, 7, $2, 't1', 'x', $3::jsonb, 5, 'producer', 1)`,
    stream, channel, data,
  );

  it("queues a row a producer inserts with its own SQL", async () => {
    await insert("chat", "sql:chat:t1");
    const pending = await outbox.round((r) => r.lockAndRead([7 % RELAY_PARTITIONS], 1000));
    expect(pending.filter((p) => p.stream === "sql:chat:t1").map((p) => p.offset)).toEqual([1]);
  });

  it.each([
    ["an unknown channel", "bogus", "sql:bogus:t1", "{}", "outbox_events_channel_check"],
    ["a stream that is not its tenant, channel and topic", "chat", "other:chat:t1", "{}", "outbox_events_stream_check"],
    ["data over the stored limit", "chat", "sql:chat:t1", JSON.stringify("x".repeat(600_000)), "outbox_events_data_size_check"],
  ])("refuses %s at insert", async (_what, channel, stream, data, constraint) => {
    await expect(insert(channel, stream, data)).rejects.toThrow(constraint);
  });
});

describe("replay queries", () => {
  const stream = "replay:documents:r1";

  beforeAll(async () => {
    await publishN("replay", "r1", 10);
  });

  it("reads a stream after a position, in order, up to a limit and a ceiling", async () => {
    const events = await readStream(db.prisma, { stream, after: 3, limit: 4 });
    expect(events.map((e) => e.offset)).toEqual([4, 5, 6, 7]);
    expect(events[0]).toMatchObject({ stream, channel: "documents", topic: "r1", type: "document:changed", data: { n: 4 }, priority: 5 });
    expect(new Date(events[0]?.ts ?? "").getTime()).not.toBeNaN();
    expect((await readStream(db.prisma, { stream, after: 8, limit: 100, upTo: 9 })).map((e) => e.offset)).toEqual([9]);
    expect(await readStream(db.prisma, { stream, after: 10, limit: 100 })).toEqual([]);
    await expect(readStream(db.prisma, { stream, after: -1, limit: 1 })).rejects.toThrow(RangeError);
  });

  it("reports the position of an unknown stream as empty", async () => {
    const position = await streamPosition(db.prisma, "replay:documents:none");
    expect(position).toEqual({ lastOffset: 0, publishedOffset: 0, oldestRetainedOffset: 1 });
    expect(canReplayFrom(position, 0)).toBe(true);
  });
});

describe("retention", () => {
  it("deletes published events by age and beyond the per-stream cap, in batches, keeping unpublished ones", async () => {
    const aged = "retain:documents:aged";
    const capped = "retain:documents:capped";
    await publishN("retain", "aged", 25);
    await publishN("retain", "capped", 30);
    await markUpTo(aged, 20);
    await markUpTo(capped, 30);
    // Age the first 12 events of `aged` by an hour.
    await db.prisma.$executeRaw`
      UPDATE outbox_events SET created_at = created_at - interval '1 hour'
      WHERE stream = ${aged} AND stream_offset <= 12`;

    const cutoff = new Date(Date.now() - 30 * 60 * 1000);
    const byAge = await deleteExpiredEvents(db.prisma, { before: cutoff, batchSize: 5 });
    expect(byAge).toEqual({ deleted: 12, batches: 4, complete: true }); // 5 + 5 + 2, then 0 quarantined
    expect(await streamPosition(db.prisma, aged)).toEqual({ lastOffset: 25, publishedOffset: 20, oldestRetainedOffset: 13 });
    const position = await streamPosition(db.prisma, aged);
    expect(canReplayFrom(position, 11)).toBe(false);
    expect(canReplayFrom(position, 12)).toBe(true);

    const byCap = await deleteExpiredEvents(db.prisma, { before: cutoff, maxPerStream: 10, batchSize: 7 });
    // `capped` keeps offsets 21..30; `aged` keeps 16..25 but 21..25 are unpublished anyway.
    expect((await streamPosition(db.prisma, capped)).oldestRetainedOffset).toBe(21);
    expect((await streamPosition(db.prisma, aged)).oldestRetainedOffset).toBe(16);
    expect(byCap.complete).toBe(true);
    expect(byCap.deleted).toBeGreaterThanOrEqual(20 + 3);
    const pending = await readStream(db.prisma, { stream: aged, after: 20, limit: 100 });
    expect(pending.map((e) => e.offset)).toEqual([21, 22, 23, 24, 25]);

    const bounded = await deleteExpiredEvents(db.prisma, { before: new Date(Date.now() + 60_000), batchSize: 2, maxBatches: 1 });
    expect(bounded).toEqual({ deleted: 2, batches: 1, complete: false });
  });
});

const event = (tenant: string, topic: string, n: number): OutboxEventInput => ({
  tenant,
  channel: "documents",
  topic,
  type: "document:changed",
  data: { n },
  source: "outbox-queries.int.test",
});

async function publishN(tenant: string, topic: string, count: number): Promise<void> {
  const events = Array.from({ length: count }, (_, i) => event(tenant, topic, i + 1));
  await db.prisma.$transaction((tx) => publishMany(tx, events));
}

/** Marks a stream's events up to `offset` emitted, as a relay would. */
async function markUpTo(stream: string, offset: number): Promise<void> {
  const partition = partitionOf(stream, RELAY_PARTITIONS);
  const pending = await outbox.round((r) => r.lockAndRead([partition], 10_000));
  await outbox.round((r) => r.markEmitted(pending.filter((p) => p.stream === stream && p.offset <= offset)));
}
