/**
 * A poison event: one the relay cannot emit (here: over the relay's size limit). It is
 * retried, then quarantined with its reason after `maxAttempts`; its offset is delivered
 * as a placeholder so the stream stays gapless; later events of its stream and other
 * streams keep flowing. Nothing is dropped silently: the row stays, with its reason.
 */
import { listQuarantined, publishMany } from "@roomcast/db";
import { QUARANTINED_TYPE } from "@roomcast/protocol";
import { holdableClient, recordInto } from "../support/sdk";
import { chatEvent } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

describe("quarantine", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateways: 1, relayOptions: { maxEventBytes: 2048, maxAttempts: 3, pollIntervalMs: 100 } });
  }, 120_000);
  afterAll(() => stack.close());

  it("sets a poison event aside after N attempts without blocking its stream or others", async () => {
    const agent = holdableClient(stack.nodes[0]!.url, stack.token({ sub: "a1", tenant: "acme", role: "agent" }));
    try {
      const poisoned = recordInto(agent.client, { channel: "chat", topic: "p" });
      const other = recordInto(agent.client, { channel: "chat", topic: "q" });
      expect(await poisoned.ready).toMatchObject({ ok: true });
      expect(await other.ready).toMatchObject({ ok: true });

      await stack.db.prisma.$transaction((tx) =>
        publishMany(tx, [
          chatEvent("p", 1),
          { ...chatEvent("p", 2), data: { big: "x".repeat(4096) } },
          chatEvent("p", 3),
          chatEvent("q", 1),
        ]),
      );
      await other.waitFor(1);
      await poisoned.waitFor(3);
      poisoned.assertContiguous(0, 3);
      expect(poisoned.events.map((e) => e.type)).toEqual(["message", QUARANTINED_TYPE, "message"]);
      expect(poisoned.events[1]!.data).toBeNull();

      const [row] = await listQuarantined(stack.db.prisma);
      expect(row).toMatchObject({ stream: "acme:chat:p", offset: 2, attempts: 3 });
      expect(row!.reason).toMatch(/over the 2048-byte limit/);

      // A late subscriber replays the same gapless stream, placeholder included.
      const late = holdableClient(stack.nodes[0]!.url, stack.token({ sub: "a2", tenant: "acme", role: "agent" }));
      try {
        const replay = recordInto(late.client, { channel: "chat", topic: "p", since: 0 });
        expect(await replay.ready).toMatchObject({ ok: true, replayed: 3, offset: 3 });
        expect(replay.events.map((e) => e.type)).toEqual(["message", QUARANTINED_TYPE, "message"]);
      } finally {
        late.client.close();
      }
    } finally {
      agent.client.close();
    }
  }, 60_000);
});
