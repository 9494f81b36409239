/**
 * Catch-up: a subscriber that was away gets every event it missed, in order, then the
 * live ones, with no duplicate reaching the application — on the cluster stack
 * (PostgreSQL, Redis, two gateways, a relay). The embedded default has the same scenario
 * in embedded-default.int.test.ts, against a real `npm start` process.
 */
import { holdableClient, recordInto } from "../support/sdk";
import { chatEvent, publishCount } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

describe("catch-up on PostgreSQL + Redis with two gateways", () => {
  const gateways = 2;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateways });
  }, 120_000);
  afterAll(() => stack.close());

  it("delivers the 1,000 events published while away, in order, then live ones", async () => {
    const url = stack.nodes[gateways - 1]!.url;
    const visitor = holdableClient(url, stack.token({ sub: "v1", tenant: "acme", role: "visitor", session: "s1" }));
    try {
      const app = recordInto(visitor.client, { channel: "chat", topic: "s1" });
      expect(await app.ready).toMatchObject({ ok: true, stream: "acme:chat:s1", offset: 0 });

      await publishCount(stack.db, 5, (i) => chatEvent("s1", i));
      await app.waitFor(5);

      visitor.away();
      await publishCount(stack.db, 1000, (i) => chatEvent("s1", 5 + i));
      visitor.back();
      await app.waitFor(1005, 60_000);

      await publishCount(stack.db, 5, (i) => chatEvent("s1", 1005 + i), 1);
      await app.waitFor(1010);
      app.assertContiguous(0, 1010);
      expect(app.events.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 1010 }, (_, i) => i));
    } finally {
      visitor.client.close();
    }
  }, 120_000);
});
