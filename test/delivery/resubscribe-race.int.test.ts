/**
 * Resubscribing while events are being published: 100 times, the client's transport is
 * dropped mid-stream and the SDK resubscribes with `since` on the reconnect. The app must
 * see every event once, in order.
 */
import { publishMany } from "@roomcast/db";
import { until, waitFor } from "@roomcast/gateway/testing";
import { holdableClient, recordInto } from "../support/sdk";
import { chatEvent } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("resubscribe race", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateways: 2, relayOptions: { pollIntervalMs: 100 } });
  }, 120_000);
  afterAll(() => stack.close());

  it("100 resubscribes during publishing: 0 lost, 0 duplicates at the app, in order", async () => {
    const visitor = holdableClient(stack.nodes[1]!.url, stack.token({ sub: "v1", tenant: "acme", role: "visitor", session: "race" }));
    try {
      const app = recordInto(visitor.client, { channel: "chat", topic: "race" });
      expect(await app.ready).toMatchObject({ ok: true });

      let producing = true;
      let published = 0;
      const producer = (async () => {
        while (producing) {
          const batch = Array.from({ length: 5 }, (_, i) => chatEvent("race", published + i));
          await stack.db.prisma.$transaction((tx) => publishMany(tx, batch));
          published += batch.length;
          await pause(2);
        }
      })();

      for (let trial = 0; trial < 100; trial++) {
        const before = app.events.length;
        const reconnected = waitFor<void>(`reconnect in trial ${trial}`, 10_000, (resolve) =>
          visitor.client.onStateChange((state) => {
            if (state === "live") resolve();
          }),
        );
        visitor.dropTransport();
        await reconnected;
        await until(`new events after resubscribe ${trial}`, 10_000, () => app.events.length > before, 5);
      }
      producing = false;
      await producer;
      await app.waitFor(published, 30_000);
      app.assertContiguous(0, published);
      expect(visitor.wire.length).toBeGreaterThanOrEqual(published);
    } finally {
      visitor.client.close();
    }
  }, 180_000);
});
