/**
 * Re-drive of quarantined events against the real PostgreSQL: a new event at the stream's
 * head through the normal publish path (queued by the trigger, NOTIFY at commit), the
 * quarantined row marked once, original order kept, refusals that change nothing, tenant
 * scoping, and the listing that shows what was re-driven.
 */
import { MAX_EVENT_DATA_DEPTH, QUARANTINED_TYPE } from "@roomcast/protocol";
import { createDb, type Db } from "../create-db";
import { OUTBOX_CHANNEL } from "../notify-channel";
import { publishMany } from "../publish";
import { createTestDatabase, type TestDatabase } from "../testing";
import { listQuarantined } from "./quarantine";
import { readStream } from "./read-stream";
import { redriveQuarantined } from "./redrive";

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

async function publishN(tenant: string, topic: string, n: number): Promise<string[]> {
  const events = Array.from({ length: n }, (_, i) => ({
    tenant,
    channel: "documents" as const,
    topic,
    type: "document:changed",
    data: { n: i + 1 },
    priority: 7,
    source: "producer-x",
  }));
  return (await db.prisma.$transaction((tx) => publishMany(tx, events))).map((e) => e.id);
}

/** What the relay does when it gives up on an event (relay-outbox.ts quarantine), by SQL. */
async function quarantine(id: string): Promise<void> {
  await db.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Array<{ stream: string; stream_offset: bigint }>>`
      UPDATE outbox_events SET quarantined_at = clock_timestamp(), attempts = 3, quarantine_reason = 'failed 3 attempts: emit failed'
      WHERE id = ${id}::uuid RETURNING stream, stream_offset`;
    await tx.$executeRaw`DELETE FROM outbox_pending WHERE stream = ${row!.stream} AND stream_offset = ${row!.stream_offset}`;
  });
}

/** A quarantined row written by SQL, as a producer's bad row ends up (CHECK constraints exempt it). */
async function insertQuarantined(row: { tenant: string; channel: string; topic: string; dataJson: string }): Promise<string> {
  const stream = `${row.tenant}:${row.channel}:${row.topic}`;
  const [inserted] = await db.prisma.$queryRaw<Array<{ id: string }>>`
    WITH s AS (
      INSERT INTO streams (id, tenant_id, partition_key, last_offset) VALUES (${stream}, ${row.tenant}, 7, 1)
      ON CONFLICT (id) DO UPDATE SET last_offset = streams.last_offset + 1 RETURNING last_offset
    )
    INSERT INTO outbox_events (id, tenant_id, stream, partition_key, channel, topic, type, data, priority, source, stream_offset, quarantined_at, quarantine_reason)
    SELECT gen_random_uuid(), ${row.tenant}, ${stream}, 7, ${row.channel}, ${row.topic}, 'thing', ${row.dataJson}::jsonb, 5, 'sql', s.last_offset, clock_timestamp(), 'poison'
    FROM s RETURNING id::text AS id`;
  return inserted!.id;
}

const pendingOf = async (stream: string) =>
  (await db.prisma.$queryRaw<Array<{ stream_offset: bigint }>>`SELECT stream_offset FROM outbox_pending WHERE stream = ${stream} ORDER BY seq`).map((r) => Number(r.stream_offset));
const lastOffset = async (stream: string) => Number((await db.prisma.stream.findUniqueOrThrow({ where: { id: stream } })).lastOffset);

describe("redriveQuarantined", () => {
  it("publishes a quarantined event again as a new event at the stream's head, marks it once, and wakes the relay", async () => {
    const stream = "acme:documents:d1";
    const [, second] = await publishN("acme", "d1", 3);
    await quarantine(second!);
    const notices: string[] = [];
    const listener = await db.listen(OUTBOX_CHANNEL, (payload) => notices.push(payload));
    try {
      const result = await redriveQuarantined(db.prisma, { ids: [second!] });
      expect(result).toMatchObject({ ok: true, skipped: [], more: false });
      if (!result.ok) throw new Error("refused");
      expect(result.redriven).toHaveLength(1);
      const [again] = result.redriven;
      expect(again).toMatchObject({ id: second, stream, offset: 2, newOffset: 4 });
      expect(again!.redrivenAs).not.toBe(second);

      // Queued for the relay by the outbox trigger, like any publish, and NOTIFYed at commit.
      expect(await pendingOf(stream)).toEqual([1, 2, 3, 4].filter((o) => o !== 2));
      const deadline = Date.now() + 5000;
      while (!notices.includes(stream) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(notices).toContain(stream);

      // The placeholder keeps offset 2; the event is back at 4 with the same content.
      const replay = await readStream(db.prisma, { stream, after: 0, limit: 10 });
      expect(replay.map((e) => [e.offset, e.type, e.data])).toEqual([
        [1, "document:changed", { n: 1 }],
        [2, QUARANTINED_TYPE, null],
        [3, "document:changed", { n: 3 }],
        [4, "document:changed", { n: 2 }],
      ]);
      expect(replay[3]).toMatchObject({ id: again!.redrivenAs, channel: "documents", topic: "d1", priority: 7, source: "producer-x" });
      const [row] = await db.prisma.$queryRaw<Array<{ attempts: number }>>`SELECT attempts FROM outbox_events WHERE id = ${again!.redrivenAs}::uuid`;
      expect(row!.attempts).toBe(0);

      const [listed] = (await listQuarantined(db.prisma, { tenant: "acme" })).filter((q) => q.id === second);
      expect(listed).toMatchObject({ tenant: "acme", stream, offset: 2, channel: "documents", type: "document:changed", redrivenAs: again!.redrivenAs });
      expect(listed!.redrivenAt).toBeInstanceOf(Date);

      // Twice is refused and changes nothing.
      await expect(redriveQuarantined(db.prisma, { ids: [second!] })).resolves.toEqual({
        ok: false,
        refused: [{ id: second, reason: "already_redriven", message: `event ${second} was already re-driven` }],
      });
      expect(await lastOffset(stream)).toBe(4);
    } finally {
      await listener.close();
    }
  });

  it("re-drives several events in their original offset order, in one transaction", async () => {
    const ids = await publishN("acme", "d2", 3);
    for (const id of ids) await quarantine(id);
    const result = await redriveQuarantined(db.prisma, { ids: [...ids].reverse() });
    if (!result.ok) throw new Error("refused");
    expect(result.redriven.map((r) => [r.offset, r.newOffset])).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const replay = await readStream(db.prisma, { stream: "acme:documents:d2", after: 3, limit: 10 });
    expect(replay.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it("refuses an unknown channel, invalid data, a live event and an unknown id, and writes nothing when any is refused", async () => {
    const [good] = await publishN("acme", "d3", 1);
    await quarantine(good!);
    const [live] = await publishN("acme", "d4", 1);
    const bogus = await insertQuarantined({ tenant: "acme", channel: "bogus", topic: "x", dataJson: "{}" });
    const nested = "[".repeat(MAX_EVENT_DATA_DEPTH + 4) + "]".repeat(MAX_EVENT_DATA_DEPTH + 4);
    const deep = await insertQuarantined({ tenant: "acme", channel: "chat", topic: "deep", dataJson: nested });
    const missing = "00000000-0000-4000-8000-000000000000";

    const result = await redriveQuarantined(db.prisma, { ids: [good!, live!, bogus, deep, missing, "not-a-uuid"] });
    expect(result).toEqual({ ok: false, refused: [expect.objectContaining({ id: "not-a-uuid", reason: "not_found" })] });
    const refused = await redriveQuarantined(db.prisma, { ids: [good!, live!, bogus, deep, missing] });
    if (refused.ok) throw new Error("accepted");
    expect(Object.fromEntries(refused.refused.map((r) => [r.id, r.reason]))).toEqual({
      [live!]: "not_quarantined",
      [bogus]: "unknown_channel",
      [deep]: "invalid_event",
      [missing]: "not_found",
    });
    expect(refused.refused.find((r) => r.id === bogus)!.message).toMatch(/unknown channel "bogus"/);
    expect(refused.refused.find((r) => r.id === deep)!.message).toMatch(/nested deeper/);
    expect(await lastOffset("acme:documents:d3")).toBe(1);
    expect((await listQuarantined(db.prisma)).find((q) => q.id === good)!.redrivenAt).toBeNull();

    // `all` re-drives what it can and reports the rest; neither is ever re-driven twice.
    const all = await redriveQuarantined(db.prisma, { all: true, tenant: "acme" });
    if (!all.ok) throw new Error("refused");
    expect(all.redriven.map((r) => r.id)).toEqual([good]);
    expect(Object.fromEntries(all.skipped.map((r) => [r.id, r.reason]))).toEqual({ [bogus]: "unknown_channel", [deep]: "invalid_event" });
    expect(await lastOffset("acme:documents:d3")).toBe(2);
    const again = await redriveQuarantined(db.prisma, { all: true, tenant: "acme" });
    expect(again).toMatchObject({ ok: true, redriven: [] });
  });

  it("scopes to a tenant: another tenant's event is not found and stays quarantined", async () => {
    const [other] = await publishN("globex", "g1", 1);
    await quarantine(other!);
    await expect(redriveQuarantined(db.prisma, { ids: [other!], tenant: "acme" })).resolves.toMatchObject({
      ok: false,
      refused: [{ id: other, reason: "not_found" }],
    });
    await expect(redriveQuarantined(db.prisma, { all: true, tenant: "acme" })).resolves.toMatchObject({ ok: true, redriven: [] });
    expect((await listQuarantined(db.prisma, { tenant: "acme" })).some((q) => q.id === other)).toBe(false);
    expect((await listQuarantined(db.prisma, { tenant: "globex" })).map((q) => q.id)).toEqual([other]);
    const result = await redriveQuarantined(db.prisma, { ids: [other!], tenant: "globex" });
    expect(result).toMatchObject({ ok: true, redriven: [{ id: other, offset: 1, newOffset: 2 }] });
  });
});
