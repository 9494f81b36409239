/**
 * publish() against the real PostgreSQL: offsets are gapless and follow commit order
 * under concurrent writers that hold their transaction open for a random time after the
 * insert; a rolled-back event is never visible and its offset goes to the next writer;
 * notifications are sent on commit only.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createDb, type Db } from "./create-db";
import { InvalidEventError, type OutboxEventInput } from "./event-input";
import { OUTBOX_CHANNEL } from "./notify-channel";
import { publish, publishMany } from "./publish";
import { readStream } from "./outbox/read-stream";
import { streamPosition } from "./outbox/stream-position";
import { createTestDatabase, type TestDatabase } from "./testing";

jest.setTimeout(60_000);

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = await createDb({ databaseUrl: database.url, poolSize: 25 });
  // Test-only witness of commit order: each writer bumps this counter as its last
  // statement, holding the row lock until it commits, so `n` numbers commits in order.
  await db.prisma.$executeRawUnsafe("CREATE TABLE commit_order (id int PRIMARY KEY, n bigint NOT NULL)");
  await db.prisma.$executeRawUnsafe("INSERT INTO commit_order VALUES (1, 0)");
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

const event = (topic: string, data: unknown = {}): OutboxEventInput => ({
  tenant: "acme",
  channel: "chat",
  topic,
  type: "message:new",
  data,
  source: "publish.int.test",
});

async function offsetsOf(stream: string): Promise<number[]> {
  const rows = await db.prisma.$queryRaw<Array<{ stream_offset: bigint }>>`
    SELECT stream_offset FROM outbox_events WHERE stream = ${stream} ORDER BY stream_offset`;
  return rows.map((r) => Number(r.stream_offset));
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe("publish", () => {
  it("assigns gapless offsets in commit order to 20 concurrent writers holding their transaction open", async () => {
    const topics = ["race_a", "race_b", "race_c"];
    const writers = 20;
    const perWriter = 5;
    const commits: Array<{ stream: string; offset: number; commit: number }> = [];
    let snapshotsChecked = 0;
    let writing = true;

    // A reader polling while the writers run: each stream's visible offsets must always
    // be exactly 1..k. A hole would mean a relay reading "offset > last seen" skips it.
    const observer = (async () => {
      while (writing) {
        for (const topic of topics) {
          const seen = await offsetsOf(`acme:chat:${topic}`);
          expect(seen).toEqual(range(seen.length));
          snapshotsChecked += 1;
        }
      }
    })();

    await Promise.all(
      range(writers).map(async (writer) => {
        for (let i = 0; i < perWriter; i += 1) {
          const topic = topics[(writer + i) % topics.length] ?? "race_a";
          const result = await db.prisma.$transaction(
            async (tx) => {
              const published = await publish(tx, event(topic, { writer, i }));
              await sleep(Math.random() * 50);
              const [row] = await tx.$queryRaw<Array<{ n: bigint }>>`UPDATE commit_order SET n = n + 1 WHERE id = 1 RETURNING n`;
              return { ...published, commit: Number(row?.n) };
            },
            { timeout: 30_000, maxWait: 30_000 },
          );
          commits.push({ stream: result.stream, offset: result.offset, commit: result.commit });
        }
      }),
    );
    writing = false;
    await observer;

    expect(commits).toHaveLength(writers * perWriter);
    expect(snapshotsChecked).toBeGreaterThan(0);
    for (const topic of topics) {
      const stream = `acme:chat:${topic}`;
      const mine = commits.filter((c) => c.stream === stream);
      const byCommit = [...mine].sort((a, b) => a.commit - b.commit).map((c) => c.offset);
      expect(byCommit).toEqual(range(mine.length)); // offset order == commit order, gapless
      expect(await offsetsOf(stream)).toEqual(range(mine.length));
      expect((await streamPosition(db.prisma, stream)).lastOffset).toBe(mine.length);
    }
  });

  it("never shows a rolled-back event and gives its offset to the next writer", async () => {
    const stream = "acme:chat:rollback";
    await db.prisma.$transaction((tx) => publish(tx, event("rollback", { n: 1 })));

    await expect(
      db.prisma.$transaction(async (tx) => {
        const published = await publish(tx, event("rollback", { n: "doomed" }));
        expect(published.offset).toBe(2);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");

    const next = await db.prisma.$transaction((tx) => publish(tx, event("rollback", { n: 2 })));
    expect(next.offset).toBe(2);
    const events = await readStream(db.prisma, { stream, after: 0, limit: 10 });
    expect(events.map((e) => [e.offset, e.data])).toEqual([
      [1, { n: 1 }],
      [2, { n: 2 }],
    ]);
  });

  it("makes a concurrent writer wait for a rolling-back one and take its offset", async () => {
    const stream = "acme:chat:waiter";
    let releaseFirst: () => void = () => undefined;
    const firstMayFinish = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstPublished: () => void = () => undefined;
    const firstHasPublished = new Promise<void>((resolve) => (firstPublished = resolve));

    const first = db.prisma.$transaction(async (tx) => {
      await publish(tx, event("waiter", "first"));
      firstPublished();
      await firstMayFinish;
      throw new Error("first rolls back");
    });
    await firstHasPublished;
    const second = db.prisma.$transaction((tx) => publish(tx, event("waiter", "second")));

    // The second writer must be blocked on the stream row lock held by the first.
    for (let polls = 0; ; polls += 1) {
      const waiting = await db.prisma.$queryRaw<Array<{ n: bigint }>>`
        SELECT count(*) AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO streams%'`;
      if (Number(waiting[0]?.n) === 1) break;
      if (polls > 500) throw new Error("the second writer never waited on the stream lock");
      await sleep(10);
    }
    releaseFirst();
    await expect(first).rejects.toThrow("first rolls back");
    await expect(second).resolves.toMatchObject({ stream, offset: 1 });
    expect((await readStream(db.prisma, { stream, after: 0, limit: 10 })).map((e) => e.data)).toEqual(["second"]);
  });

  it("publishMany numbers each stream consecutively and answers in input order", async () => {
    const results = await db.prisma.$transaction((tx) =>
      publishMany(tx, [event("many_a", 1), event("many_b", 1), event("many_a", 2), { ...event("many_b", 2), channel: "chat" }]),
    );
    expect(results.map((r) => [r.stream, r.offset])).toEqual([
      ["acme:chat:many_a", 1],
      ["acme:chat:many_b", 1],
      ["acme:chat:many_a", 2],
      ["acme:chat:many_b", 2],
    ]);
    const again = await db.prisma.$transaction((tx) => publishMany(tx, [event("many_a", 3)]));
    expect(again[0]?.offset).toBe(3);
    const replay = await readStream(db.prisma, { stream: "acme:chat:many_a", after: 0, limit: 10 });
    expect(replay.map((e) => [e.offset, e.data, e.id])).toEqual([
      [1, 1, results[0]?.id],
      [2, 2, results[2]?.id],
      [3, 3, again[0]?.id],
    ]);
  });

  it("writes nothing when one event of a batch is invalid", async () => {
    await expect(
      db.prisma.$transaction((tx) => publishMany(tx, [event("invalid_batch"), { ...event("invalid_batch"), type: "bad type" }])),
    ).rejects.toThrow(InvalidEventError);
    expect(await offsetsOf("acme:chat:invalid_batch")).toEqual([]);
    expect(await streamPosition(db.prisma, "acme:chat:invalid_batch")).toEqual({ lastOffset: 0, publishedOffset: 0, oldestRetainedOffset: 1 });
  });

  it("notifies the relay channel on commit only", async () => {
    const received: string[] = [];
    let onBoth: () => void = () => undefined;
    const bothSeen = new Promise<void>((resolve) => (onBoth = resolve));
    const listener = await db.listen(OUTBOX_CHANNEL, (payload) => {
      received.push(payload);
      if (received.length === 2) onBoth();
    });
    try {
      await expect(
        db.prisma.$transaction(async (tx) => {
          await publish(tx, event("notify_rolled_back"));
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      await db.prisma.$transaction((tx) => publishMany(tx, [event("notify_committed"), event("notify_committed")]));
      await db.prisma.$transaction((tx) => publish(tx, event("notify_fence")));
      await bothSeen;
      // The enqueue trigger notifies on commit, naming a stream (PostgreSQL folds equal
      // payloads within one transaction); the rolled-back one never comes.
      expect(received).toEqual(["acme:chat:notify_committed", "acme:chat:notify_fence"]);
    } finally {
      await listener.close();
    }
  });
});
