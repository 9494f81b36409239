/**
 * Subscriptions to table changes end to end (issue 12 item 5), on PostgreSQL + Redis with
 * two gateways and a relay: the `documents` table's trigger (migration `…_watch_documents`)
 * writes each change to the outbox in the writer's transaction, and subscribers of
 * `changes:documents` receive insert, update and delete in commit order; another tenant's
 * rows and a rolled-back change never reach them; `where` filters live events (matched on
 * the receiving node from the broadcast tag) and a replay alike.
 */
import { collect, connected, request, until, type TestSocket } from "@roomcast/gateway/testing";
import type { EventEnvelope } from "@roomcast/protocol";
import { startStack, type Stack } from "../support/stack";

interface Change {
  new: Record<string, unknown> | null;
  old: Record<string, unknown> | null;
}

describe("changes channel", () => {
  let stack: Stack;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    stack = await startStack({ gateways: 2 });
  }, 120_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await stack?.close();
  });

  const open = async (node: number, tenant: string, role: "member" | "agent" | "visitor" = "member") => {
    const socket = await connected(stack.nodes[node]!.url, stack.token({ sub: `u_${tenant}_${sockets.length}`, tenant, role, session: "s1" }));
    sockets.push(socket);
    return socket;
  };
  const subscribe = async (socket: TestSocket, extra: Record<string, unknown> = {}) => {
    const events = collect(socket);
    const ack = await request(socket, "subscribe", { channel: "changes", topic: "documents", ...extra });
    return { events, ack };
  };
  const sql = (query: TemplateStringsArray, ...values: unknown[]) => stack.db.prisma.$executeRaw(query, ...values);
  const summary = (events: EventEnvelope[]) => events.map((e) => [e.offset, e.type, (e.data as Change).new?.status ?? null, (e.data as Change).old?.status ?? null]);
  const waitForEvents = (events: EventEnvelope[], count: number, what: string) => until(`${count} ${what}`, 20_000, () => events.length >= count);

  it("delivers insert, update and delete in commit order, to the row's tenant only, never a rolled-back change; where live and in replay", async () => {
    const all = await subscribe(await open(0, "acme"));
    const done = await subscribe(await open(1, "acme"), { where: { status: "done" } });
    const sameNode = await subscribe(await open(1, "acme"));
    const globex = await subscribe(await open(1, "globex"));
    for (const { ack } of [all, done, sameNode, globex]) expect(ack).toMatchObject({ ok: true, offset: 0 });

    await sql`INSERT INTO documents (id, tenant_id, name, status) VALUES ('d1', 'acme', 'report.pdf', 'queued')`;
    await sql`INSERT INTO documents (id, tenant_id, name, status) VALUES ('g1', 'globex', 'secret.pdf', 'done')`;
    await sql`UPDATE documents SET status = 'processing', progress = 50 WHERE id = 'd1'`;
    await expect(
      stack.db.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO documents (id, tenant_id, name, status) VALUES ('d_rolled_back', 'acme', 'never.pdf', 'done')`;
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await sql`UPDATE documents SET status = 'done', progress = 100 WHERE id = 'd1'`;
    await sql`DELETE FROM documents WHERE id = 'd1'`;
    // The last change, after the rolled-back one: once it is here, everything before it is.
    await sql`INSERT INTO documents (id, tenant_id, name, status) VALUES ('d2', 'acme', 'next.pdf', 'queued')`;

    await waitForEvents(all.events, 5, "acme changes");
    expect(summary(all.events)).toEqual([
      [1, "insert", "queued", null],
      [2, "update", "processing", "queued"],
      [3, "update", "done", "processing"],
      [4, "delete", null, "done"],
      [5, "insert", "queued", null],
    ]);
    expect(all.events[0]).toMatchObject({
      stream: "acme:changes:documents",
      channel: "changes",
      topic: "documents",
      source: "db:documents",
      data: { new: { id: "d1", name: "report.pdf", status: "queued", progress: 0 }, old: null },
    });
    expect(Object.keys((all.events[0]!.data as Change).new!).sort()).toEqual(["id", "name", "progress", "status"]);
    expect(all.events.some((e) => JSON.stringify(e.data).includes("d_rolled_back") || JSON.stringify(e.data).includes("g1"))).toBe(false);

    await waitForEvents(globex.events, 1, "globex change");
    expect(globex.events.map((e) => [e.stream, e.type, (e.data as Change).new?.id])).toEqual([["globex:changes:documents", "insert", "g1"]]);

    // where {status: "done"}: the update into "done" (new row) and the delete of it (old row).
    // The unfiltered subscriber on the same node has all five, so node 1 has matched them all.
    await waitForEvents(sameNode.events, 5, "acme changes on node 1");
    expect(summary(done.events)).toEqual([
      [3, "update", "done", "processing"],
      [4, "delete", null, "done"],
    ]);

    const replay = await subscribe(await open(1, "acme"), { since: 0, where: { status: "done" } });
    expect(replay.ack).toMatchObject({ ok: true, offset: 5, replayed: 2 });
    expect(summary(replay.events)).toEqual(summary(done.events));
    expect(globex.events).toHaveLength(1);
  });

  it("refuses visitors, publishes, and where on other channels", async () => {
    const visitor = await open(0, "acme", "visitor");
    expect(await request(visitor, "subscribe", { channel: "changes", topic: "documents" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const member = await open(0, "acme");
    expect(await request(member, "subscribe", { channel: "changes", topic: "chat_sessions" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await request(member, "publish", { channel: "changes", topic: "documents", type: "insert", data: {} })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await request(member, "subscribe", { channel: "documents", topic: "d1", where: { status: "done" } })).toMatchObject({ ok: false, error: { code: "invalid" } });
  });

  it("refuses a table that is not watched, and joins nothing for it", async () => {
    const member = await open(0, "acme");
    // `streams` exists but has no watchTable triggers; `no_such_table` does not exist at all.
    for (const topic of ["streams", "no_such_table"]) {
      const ack = await request(member, "subscribe", { channel: "changes", topic });
      expect(ack).toMatchObject({ ok: false, error: { code: "not_found", message: expect.stringContaining(`table ${topic} is not watched`) } });
    }
    expect(await request(member, "subscribe", { channel: "changes", topic: "documents" })).toMatchObject({ ok: true });
    const rooms = await stack.nodes[0]!.gateway.io.local.in("acme:changes:streams").fetchSockets();
    expect(rooms).toHaveLength(0);
  });
});
