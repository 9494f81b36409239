/**
 * The relay's and the gateway's outbox queries against the real PostgreSQL: partitioned
 * fetch under advisory locks, mark published / cursor, attempts and quarantine, replay
 * and stream position, and batched retention.
 */
import { QUARANTINED_TYPE } from "@roomcast/protocol";
import { createDb, type Db } from "../create-db";
import type { OutboxEventInput } from "../event-input";
import { publishMany } from "../publish";
import { partitionOf } from "../stream-hash";
import { createTestDatabase, type TestDatabase } from "../testing";
import { outboxBacklog } from "./backlog";
import { fetchUnpublished } from "./fetch-unpublished";
import { markPublished } from "./mark-published";
import { tryLockPartition } from "./partition-lock";
import { listQuarantined, quarantine, recordAttempt } from "./quarantine";
import { readStream } from "./read-stream";
import { deleteExpiredEvents } from "./retention";
import { canReplayFrom, streamPosition } from "./stream-position";

jest.setTimeout(60_000);

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = await createDb({ databaseUrl: database.url });
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
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

describe("relay queries", () => {
  const tenant = "relay";
  const partitions = 4;
  const topics = ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8"];

  beforeAll(async () => {
    for (const topic of topics) await publishN(tenant, topic, 3);
  });

  it("fetches each partition's pending events in (stream, offset) order", async () => {
    const seen = new Set<string>();
    for (let partition = 0; partition < partitions; partition += 1) {
      const pending = await fetchUnpublished(db.prisma, { partitions, partitionIds: [partition], limit: 1000 });
      const mine = pending.filter((p) => p.envelope.stream.startsWith(`${tenant}:`));
      for (const { envelope } of mine) {
        expect(partitionOf(envelope.stream, partitions)).toBe(partition);
        seen.add(`${envelope.stream}#${envelope.offset}`);
      }
      const keys = mine.map((p) => [p.envelope.stream, p.envelope.offset] as const);
      const sorted = [...keys].sort(([s1, o1], [s2, o2]) => (s1 === s2 ? o1 - o2 : s1 < s2 ? -1 : 1));
      expect(keys).toEqual(sorted);
    }
    expect(seen.size).toBe(topics.length * 3);

    const all = await fetchUnpublished(db.prisma, { partitions, partitionIds: [0, 1, 2, 3], limit: 5 });
    expect(all).toHaveLength(5);
    expect(all[0]?.attempts).toBe(0);
  });

  it("lets only one transaction hold a partition's lock, and frees it at commit", async () => {
    let releaseHolder: () => void = () => undefined;
    const holderMayCommit = new Promise<void>((resolve) => (releaseHolder = resolve));
    let holderLocked: (locked: boolean) => void = () => undefined;
    const holderResult = new Promise<boolean>((resolve) => (holderLocked = resolve));

    const holder = db.prisma.$transaction(async (tx) => {
      holderLocked(await tryLockPartition(tx, 2, partitions));
      await holderMayCommit;
    });
    expect(await holderResult).toBe(true);
    await expect(db.prisma.$transaction((tx) => tryLockPartition(tx, 2, partitions))).resolves.toBe(false);
    await expect(db.prisma.$transaction((tx) => tryLockPartition(tx, 3, partitions))).resolves.toBe(true);
    releaseHolder();
    await holder;
    await expect(db.prisma.$transaction((tx) => tryLockPartition(tx, 2, partitions))).resolves.toBe(true);
    await expect(db.prisma.$transaction((tx) => tryLockPartition(tx, 4, partitions))).rejects.toThrow(RangeError);
  });

  it("marks events published up to an offset and advances the cursor, never backwards", async () => {
    const stream = `${tenant}:documents:d1`;
    const marked = await db.prisma.$transaction((tx) => markPublished(tx, [{ stream, offset: 2 }]));
    expect(marked).toBe(2);
    expect(await streamPosition(db.prisma, stream)).toEqual({ lastOffset: 3, publishedOffset: 2, oldestRetainedOffset: 1 });
    const partition = partitionOf(stream, partitions);
    const pending = await fetchUnpublished(db.prisma, { partitions, partitionIds: [partition], limit: 1000 });
    expect(pending.filter((p) => p.envelope.stream === stream).map((p) => p.envelope.offset)).toEqual([3]);

    await expect(markPublished(db.prisma, [{ stream, offset: 1 }])).resolves.toBe(0);
    expect((await streamPosition(db.prisma, stream)).publishedOffset).toBe(2);
    await expect(markPublished(db.prisma, [{ stream, offset: 3 }, { stream, offset: 2 }])).resolves.toBe(1);
    expect((await streamPosition(db.prisma, stream)).publishedOffset).toBe(3);
  });

  it("counts attempts and quarantines an event so the stream moves on", async () => {
    const stream = `${tenant}:documents:d2`;
    await markPublished(db.prisma, [{ stream, offset: 1 }]);
    const [stuck] = (await fetchUnpublished(db.prisma, { partitions: 1, partitionIds: [0], limit: 1000 })).filter(
      (p) => p.envelope.stream === stream,
    );
    expect(stuck?.envelope.offset).toBe(2);
    const id = stuck?.envelope.id ?? "";
    await expect(recordAttempt(db.prisma, id, "emit failed: adapter closed")).resolves.toBe(1);
    await expect(recordAttempt(db.prisma, id, "emit failed again")).resolves.toBe(2);
    await expect(quarantine(db.prisma, id, "failed 2 attempts: emit failed again")).resolves.toBe(true);
    await expect(quarantine(db.prisma, id, "twice")).resolves.toBe(false);

    const pending = await fetchUnpublished(db.prisma, { partitions: 1, partitionIds: [0], limit: 1000 });
    expect(pending.filter((p) => p.envelope.stream === stream).map((p) => p.envelope.offset)).toEqual([3]);
    expect((await streamPosition(db.prisma, stream)).publishedOffset).toBe(2);
    const [listed] = (await listQuarantined(db.prisma)).filter((q) => q.id === id);
    expect(listed).toMatchObject({ stream, offset: 2, attempts: 2, reason: "failed 2 attempts: emit failed again", lastError: "emit failed again" });
    const replay = await readStream(db.prisma, { stream, after: 0, limit: 10 });
    expect(replay.map((e) => [e.offset, e.type, e.data])).toEqual([
      [1, "document:changed", { n: 1 }],
      [2, QUARANTINED_TYPE, null],
      [3, "document:changed", { n: 3 }],
    ]);
    expect((await outboxBacklog(db.prisma)).quarantined).toBeGreaterThanOrEqual(1);
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
    await markPublished(db.prisma, [{ stream: aged, offset: 20 }, { stream: capped, offset: 30 }]);
    // Age the first 12 published events of `aged` by an hour.
    await db.prisma.$executeRaw`
      UPDATE outbox_events SET published_at = published_at - interval '1 hour'
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
