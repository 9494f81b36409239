/**
 * watchTable's triggers against the real PostgreSQL (migrations `…_changes_channel`,
 * `…_changes_batched` and the latest `…_watch_documents`): each inserted, updated and
 * deleted row of `documents` commits one outbox event on `<tenant>:changes:documents` with
 * the listed columns only, its offset taken under the stream lock (commit order, gapless
 * after a rollback, contiguous per tenant within a statement), queued for the relay; the
 * SQL partition key equals partitionKey().
 */
import pg from "pg";
import { partitionKey } from "../stream-hash";
import { createTestDatabase, type TestDatabase } from "../testing";

jest.setTimeout(60_000);

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

interface ChangeRow {
  stream_offset: string;
  type: string;
  data: { new: Record<string, unknown> | null; old: Record<string, unknown> | null };
  source: string;
  topic: string;
  channel: string;
  partition_key: number;
}

async function changes(stream: string): Promise<ChangeRow[]> {
  const { rows } = await pool.query<ChangeRow>(
    "SELECT stream_offset, type, data, source, topic, channel, partition_key FROM outbox_events WHERE stream = $1 ORDER BY stream_offset",
    [stream],
  );
  return rows;
}

const insertDoc = (client: pg.Pool | pg.PoolClient, tenant: string, id: string, status = "queued") =>
  client.query("INSERT INTO documents (id, tenant_id, name, status, progress) VALUES ($1, $2, $3, $4, 0)", [id, tenant, `${id}.pdf`, status]);

describe("watchTable trigger", () => {
  it("publishes insert, update and delete with the listed columns, offsets 1, 2, 3", async () => {
    await insertDoc(pool, "acme", "d1");
    await pool.query("UPDATE documents SET status = 'processing', progress = 40 WHERE id = 'd1'");
    await pool.query("DELETE FROM documents WHERE id = 'd1'");
    const rows = await changes("acme:changes:documents");
    const first = { id: "d1", name: "d1.pdf", status: "queued", progress: 0 };
    const second = { id: "d1", name: "d1.pdf", status: "processing", progress: 40 };
    expect(rows.map((r) => [Number(r.stream_offset), r.type, r.data])).toEqual([
      [1, "insert", { new: first, old: null }],
      [2, "update", { new: second, old: first }],
      [3, "delete", { new: null, old: second }],
    ]);
    expect(rows.every((r) => r.source === "db:documents" && r.topic === "documents" && r.channel === "changes")).toBe(true);
    expect(rows[0]?.partition_key).toBe(partitionKey("acme:changes:documents"));
    const pending = await pool.query("SELECT stream_offset FROM outbox_pending WHERE stream = 'acme:changes:documents' ORDER BY seq");
    expect(pending.rows.map((r: { stream_offset: string }) => Number(r.stream_offset))).toEqual([1, 2, 3]);
  });

  it("publishes nothing for an update of unlisted columns only", async () => {
    await insertDoc(pool, "quiet", "q1");
    await pool.query("UPDATE documents SET updated_at = now() + interval '1 hour' WHERE id = 'q1'");
    expect((await changes("quiet:changes:documents")).map((r) => r.type)).toEqual(["insert"]);
  });

  it("writes each tenant's rows to its own stream; a row moved between tenants is a delete and an insert", async () => {
    await insertDoc(pool, "t_a", "m1");
    await insertDoc(pool, "t_b", "m2");
    await pool.query("UPDATE documents SET tenant_id = 't_b' WHERE id = 'm1'");
    expect((await changes("t_a:changes:documents")).map((r) => [r.type, r.data.new?.id ?? r.data.old?.id])).toEqual([
      ["insert", "m1"],
      ["delete", "m1"],
    ]);
    expect((await changes("t_b:changes:documents")).map((r) => [r.type, r.data.new?.id, r.data.old])).toEqual([
      ["insert", "m2", null],
      ["insert", "m1", null],
    ]);
  });

  it("publishes a statement's rows with contiguous offsets per tenant; an update of the key is a delete and an insert", async () => {
    await pool.query(
      "INSERT INTO documents (id, tenant_id, name, status) VALUES ('b1', 'bulk_a', 'b1', 'queued'), ('b2', 'bulk_b', 'b2', 'queued'), ('b3', 'bulk_a', 'b3', 'queued')",
    );
    await pool.query("UPDATE documents SET status = 'done' WHERE tenant_id IN ('bulk_a', 'bulk_b')");
    await pool.query("UPDATE documents SET id = 'b3_renamed' WHERE id = 'b3'");
    const a = await changes("bulk_a:changes:documents");
    expect(a.map((r) => Number(r.stream_offset))).toEqual([1, 2, 3, 4, 5, 6]);
    // Within one statement the rows' order is the statement's own (not specified); across statements, commit order.
    const ids = (rows: ChangeRow[]) => rows.map((r) => `${r.type} ${String(r.data.new?.id ?? "-")} ${String(r.data.old?.id ?? "-")}`);
    expect(ids(a.slice(0, 2)).sort()).toEqual(["insert b1 -", "insert b3 -"]);
    expect(ids(a.slice(2, 4)).sort()).toEqual(["update b1 b1", "update b3 b3"]);
    expect(ids(a.slice(4))).toEqual(["delete - b3", "insert b3_renamed -"]);
    expect((await changes("bulk_b:changes:documents")).map((r) => [Number(r.stream_offset), r.type])).toEqual([
      [1, "insert"],
      [2, "update"],
    ]);
  });

  it("leaves nothing for a rolled-back change, and the next change takes the next offset", async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await insertDoc(client, "rb", "r1");
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(await changes("rb:changes:documents")).toEqual([]);
    await insertDoc(pool, "rb", "r2");
    expect((await changes("rb:changes:documents")).map((r) => [Number(r.stream_offset), r.data.new?.id])).toEqual([[1, "r2"]]);
  });

  it("assigns offsets in commit order: a second writer waits for the first one's commit", async () => {
    await insertDoc(pool, "order", "o1");
    await insertDoc(pool, "order", "o2");
    const first = await pool.connect();
    const second = await pool.connect();
    try {
      await first.query("BEGIN");
      await second.query("BEGIN");
      await second.query("UPDATE documents SET progress = 20 WHERE id = 'o2'");
      // The first writer's trigger now waits on the stream row lock the second one holds.
      const blocked = first.query("UPDATE documents SET progress = 10 WHERE id = 'o1'");
      await waitForLockWait(second);
      await second.query("COMMIT");
      await blocked;
      await first.query("COMMIT");
    } finally {
      first.release();
      second.release();
    }
    expect((await changes("order:changes:documents")).map((r) => [Number(r.stream_offset), r.type, r.data.new?.id])).toEqual([
      [1, "insert", "o1"],
      [2, "insert", "o2"],
      [3, "update", "o2"],
      [4, "update", "o1"],
    ]);
  });

  it("refuses a row without a valid tenant id (its change could not be published)", async () => {
    await expect(insertDoc(pool, "not:valid", "x1")).rejects.toThrow(/no valid tenant id/);
    expect((await pool.query("SELECT 1 FROM documents WHERE id = 'x1'")).rowCount).toBe(0);
  });

  it("computes the same partition key as partitionKey()", async () => {
    const names = ["acme:changes:documents", "", "é:changes:ü_名", "x".repeat(200)];
    const { rows } = await pool.query<{ key: number }>("SELECT roomcast_partition_key(n) AS key FROM unnest($1::text[]) WITH ORDINALITY AS t(n, i) ORDER BY i", [names]);
    expect(rows.map((r) => r.key)).toEqual(names.map(partitionKey));
  });
});

/** Bounded wait until some backend of this database waits on a lock. */
async function waitForLockWait(client: pg.PoolClient): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rowCount } = await client.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    if ((rowCount ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error("no writer waited on the stream lock within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
