/**
 * Quarantine and re-drive through the operator CLI, on PostgreSQL and Redis: a relay whose
 * emits of one stream fail (a downstream outage standing for a Redis that stayed away
 * longer than the attempts) quarantines an event; the subscriber sees its placeholder.
 * Once the outage is over, `roomcast outbox quarantined` lists it, `roomcast outbox
 * redrive <id>` publishes it again as a new event at the stream's head, and the
 * subscriber receives it there; the listing then shows it re-driven, and a second
 * re-drive is refused (exit 2) and changes nothing.
 */
import { createRelayOutbox, publishMany } from "@roomcast/db";
import type { EventEnvelope } from "@roomcast/protocol";
import { QUARANTINED_TYPE } from "@roomcast/protocol";
import { createRelay, relayMemberId, serverEmitter, type RelayEmitter } from "@roomcast/relay-core";
import { TEST_SECRET } from "@roomcast/gateway/testing";
import pino from "pino";
import { holdableClient, recordInto } from "../support/sdk";
import { startStack, type Stack } from "../support/stack";
import { auditLines, roomcast, roomcastOk } from "./roomcast-cli";

jest.setTimeout(120_000);

describe("roomcast outbox quarantined / redrive", () => {
  let stack: Stack;
  let relayStop: AbortController;
  let relayRun: Promise<void>;
  const outage = { on: false };

  beforeAll(async () => {
    stack = await startStack({ gateways: 1, relays: 0 });
    const node = stack.nodes[0]!;
    const real = serverEmitter(node.gateway.io, node.redis ? () => node.redis!.flush() : undefined);
    const flaky: RelayEmitter = {
      emit(envelope: EventEnvelope) {
        if (outage.on && envelope.topic === "flaky" && envelope.type !== QUARANTINED_TYPE) throw new Error("emit failed: downstream outage");
        real.emit(envelope);
      },
      flush: () => real.flush(),
    };
    relayStop = new AbortController();
    relayRun = createRelay(
      { outbox: createRelayOutbox(node.db), emitter: flaky, logger: pino({ level: "silent" }) },
      { memberId: relayMemberId("redrive-test"), pollIntervalMs: 100, batchSize: 100, maxAttempts: 2, minBackoffMs: 20, maxBackoffMs: 100 },
    ).run(relayStop.signal);
  }, 120_000);
  afterAll(async () => {
    relayStop?.abort();
    await relayRun;
    await stack?.close();
  });

  const publish = (n: number) =>
    stack.db.prisma.$transaction((tx) => publishMany(tx, [{ tenant: "acme", channel: "documents", topic: "flaky", type: "document:changed", data: { n }, priority: 6, source: "pipeline" }]));

  it("lists a quarantined event, re-drives it, and the subscriber receives it at the stream's head", async () => {
    const env = { DATABASE_URL: stack.databaseUrl, ROOMCAST_JWT_SECRET: TEST_SECRET, ROOMCAST_ADMIN_UI: "off" };
    const agent = holdableClient(stack.nodes[0]!.url, stack.token({ sub: "a1", tenant: "acme", role: "agent" }));
    try {
      const sub = recordInto(agent.client, { channel: "documents", topic: "flaky" });
      expect(await sub.ready).toMatchObject({ ok: true, offset: 0 });
      await publish(1);
      await sub.waitFor(1);

      outage.on = true;
      const [lost] = await publish(2);
      await sub.waitFor(2);
      expect(sub.events[1]).toMatchObject({ offset: 2, type: QUARANTINED_TYPE, data: null });
      outage.on = false;

      const listed = await roomcastOk(["outbox", "quarantined", "--tenant", "acme", "--json"], env);
      const events = (listed.json as { events: Array<Record<string, unknown>> }).events;
      expect(events).toEqual([
        expect.objectContaining({ id: lost!.id, stream: "acme:documents:flaky", offset: 2, attempts: 2, reason: "failed 2 attempts: emit failed: downstream outage", redrivenAs: null }),
      ]);
      const human = await roomcastOk(["outbox", "quarantined"], env);
      expect(human.stdout).toContain(`${lost!.id}\tacme:documents:flaky#2\tdocument:changed\tquarantined`);

      const redrive = await roomcastOk(["outbox", "redrive", lost!.id, "--json"], env);
      const result = redrive.json as { redriven: Array<{ id: string; redrivenAs: string; newOffset: number }> };
      expect(result.redriven).toEqual([expect.objectContaining({ id: lost!.id, stream: "acme:documents:flaky", offset: 2, newOffset: 3 })]);
      expect(auditLines(redrive)).toEqual([
        expect.objectContaining({ action: "outbox.redrive", actor: expect.objectContaining({ kind: "cli" }), changes: expect.objectContaining({ redriven: [expect.objectContaining({ id: lost!.id })] }) }),
      ]);

      // The subscriber gets it again, as a new event at offset 3, with the same content.
      await sub.waitFor(3);
      sub.assertContiguous(0, 3);
      expect(sub.events[2]).toMatchObject({ id: result.redriven[0]!.redrivenAs, offset: 3, type: "document:changed", data: { n: 2 }, priority: 6, source: "pipeline" });

      const after = await roomcastOk(["outbox", "quarantined", "--json"], env);
      expect((after.json as { events: Array<Record<string, unknown>> }).events).toEqual([expect.objectContaining({ id: lost!.id, redrivenAs: result.redriven[0]!.redrivenAs })]);

      const again = await roomcast(["outbox", "redrive", lost!.id], env);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(new RegExp(`nothing was re-driven: event ${lost!.id} was already re-driven \\(invalid\\)\\n  ${lost!.id}: already_redriven`));
      expect(Number((await stack.db.prisma.stream.findUniqueOrThrow({ where: { id: "acme:documents:flaky" } })).lastOffset)).toBe(3);
    } finally {
      agent.client.close();
    }
  });
});
