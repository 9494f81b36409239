/**
 * Late commits (DESIGN.md, delivery guarantee 2): 50 concurrent writers each hold their
 * transaction open a random 0–200 ms after inserting, so commits land out of insert
 * order. The relay must still deliver every event, per stream in offset order, with no
 * gap; a naive relay that polls "rows newer than the last one seen" (by insert time)
 * skips some under the same workload. Rolled-back events never reach anyone.
 */
import { publishMany, type Db } from "@roomcast/db";
import { randomInt } from "node:crypto";
import { until } from "@roomcast/gateway/testing";
import { holdableClient, recordInto, type AppRecorder } from "../support/sdk";
import { chatEvent } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Committed {
  writer: number;
  seq: number;
  stream: string;
  offset: number;
}

/**
 * `writers` workers publish `total` events in transactions of `perTx` events of one
 * stream each, pausing 0–maxHoldMs between insert and commit. Every `rollbackEvery`-th
 * transaction of a writer is rolled back instead.
 */
async function lateCommitWorkload(
  db: Db,
  opts: { writers: number; total: number; perTx: number; streams: number; maxHoldMs: number; rollbackEvery?: number; session?: string },
) {
  const committed: Committed[] = [];
  const rolledBack: Array<{ writer: number; seq: number }> = [];
  let next = 0;
  const txCount = Math.ceil(opts.total / opts.perTx);
  const worker = async (writer: number) => {
    for (let seq = 0; ; seq++) {
      const ticket = next++;
      if (ticket >= txCount) return;
      const session = `${opts.session ?? "s"}${randomInt(opts.streams)}`;
      const events = Array.from({ length: opts.perTx }, (_, i) => ({ ...chatEvent(session, i), data: { writer, seq, i } }));
      const rollback = opts.rollbackEvery !== undefined && seq % opts.rollbackEvery === opts.rollbackEvery - 1;
      try {
        const published = await db.prisma.$transaction(
          async (tx) => {
            const result = await publishMany(tx, events);
            await pause(randomInt(opts.maxHoldMs + 1));
            if (rollback) throw new Error("rollback on purpose");
            return result;
          },
          { timeout: 60_000, maxWait: 60_000 },
        );
        for (const p of published) committed.push({ writer, seq, stream: p.stream, offset: p.offset });
      } catch (error) {
        if (!rollback) throw error;
        rolledBack.push({ writer, seq });
      }
    }
  };
  await Promise.all(Array.from({ length: opts.writers }, (_, w) => worker(w)));
  return { committed, rolledBack };
}

describe("late commits", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateways: 2, env: { ROOMCAST_REPLAY_LIMIT: "100000" } });
  }, 120_000);
  afterAll(() => stack.close());

  it("delivers all 20,000 events from 50 late-committing writers, per stream in commit order, none skipped; rolled-back ones never", async () => {
    const STREAMS = 20;
    const token = stack.token({ sub: "agent", tenant: "acme", role: "agent" });
    const clients = stack.nodes.map((node) => holdableClient(node.url, token));
    try {
      const apps: AppRecorder[][] = [];
      for (const { client } of clients) {
        const recorders = Array.from({ length: STREAMS }, (_, s) => recordInto(client, { channel: "chat", topic: `s${s}` }));
        for (const r of recorders) expect(await r.ready).toMatchObject({ ok: true });
        apps.push(recorders);
      }

      const { committed, rolledBack } = await lateCommitWorkload(stack.db, { writers: 50, total: 20_000, perTx: 10, streams: STREAMS, maxHoldMs: 200, rollbackEvery: 40 });
      expect(rolledBack.length).toBeGreaterThan(0);
      const total = committed.length;
      expect(total).toBe(20_000 - rolledBack.length * 10);

      const perStream = new Map<string, Committed[]>();
      for (const c of committed) perStream.set(c.stream, [...(perStream.get(c.stream) ?? []), c]);
      const delivered = () => apps.every((recorders) => recorders.reduce((sum, r) => sum + r.events.length, 0) >= total);
      await until("every client to receive every committed event", 90_000, delivered, 200);

      const rolledBackKeys = new Set(rolledBack.map((r) => `${r.writer}/${r.seq}`));
      for (const recorders of apps) {
        for (const [s, app] of recorders.entries()) {
          const stream = `acme:chat:s${s}`;
          const expected = perStream.get(stream) ?? [];
          // Gapless, each once, in offset order.
          app.assertContiguous(0, expected.length);
          // Commit order: a writer's later transaction committed after its earlier one.
          const lastSeqOfWriter = new Map<number, number>();
          for (const event of app.events) {
            const { writer, seq } = event.data as { writer: number; seq: number };
            expect(rolledBackKeys.has(`${writer}/${seq}`)).toBe(false);
            expect(seq).toBeGreaterThanOrEqual(lastSeqOfWriter.get(writer) ?? 0);
            lastSeqOfWriter.set(writer, seq);
          }
        }
      }
    } finally {
      for (const { client } of clients) client.close();
    }
  }, 240_000);

  it("shows that a naive relay polling for rows newer than the last seen skips late commits", async () => {
    // The naive relay: read rows inserted (created_at, the inserting transaction's start)
    // after the newest one seen so far. It never sees a row that commits after a newer one was read.
    const seen = new Set<string>();
    let newest = new Date(0);
    const poll = async () => {
      const rows = await stack.db.prisma.$queryRaw<Array<{ id: string; created_at: Date }>>`
        SELECT id::text AS id, created_at FROM outbox_events
        WHERE created_at > ${newest} AND stream LIKE 'acme:chat:naive%' ORDER BY created_at`;
      for (const row of rows) {
        seen.add(row.id);
        if (row.created_at > newest) newest = row.created_at;
      }
    };
    let writing = true;
    const poller = (async () => {
      while (writing) {
        await poll();
        await pause(5);
      }
    })();
    const { committed } = await lateCommitWorkload(stack.db, { writers: 50, total: 2_000, perTx: 1, streams: 20, maxHoldMs: 200, session: "naive" }).finally(() => {
      writing = false;
    });
    await poller;
    await poll(); // one last read after every commit: whatever it misses now, it misses for good
    const ids = await stack.db.prisma.$queryRaw<Array<{ id: string }>>`SELECT id::text AS id FROM outbox_events WHERE stream LIKE 'acme:chat:naive%'`;
    expect(committed).toHaveLength(2_000);
    expect(ids).toHaveLength(2_000);
    const skipped = ids.filter(({ id }) => !seen.has(id)).length;
    expect(skipped).toBeGreaterThan(0);
  }, 240_000);
});
