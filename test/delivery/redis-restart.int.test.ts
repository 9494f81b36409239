/**
 * Redis restarting under the relay and the gateways loses nothing: events committed while
 * Redis is down reach the subscriber once it is back — including on a stream that goes
 * quiet afterwards, where no later event would reveal a gap (the gateway tells its
 * sockets to resync when its Redis subscriber returns).
 */
import { ownedRedis, type OwnedRedis } from "@roomcast/gateway/testing";
import { holdableClient, recordInto } from "../support/sdk";
import { chatEvent, publishCount } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

describe("a Redis restart under the relay", () => {
  let redis: OwnedRedis;
  let stack: Stack;
  beforeAll(async () => {
    redis = await ownedRedis();
    await redis.start();
    stack = await startStack({ gateways: 2, redisUrl: redis.url, relayOptions: { pollIntervalMs: 100 } });
  }, 120_000);
  afterAll(async () => {
    await stack.close();
    await redis.stop();
  });

  it("delivers what was committed during the outage, in order, on a stream that then goes quiet", async () => {
    const visitor = holdableClient(stack.nodes[1]!.url, stack.token({ sub: "v1", tenant: "acme", role: "visitor", session: "quiet" }));
    try {
      const app = recordInto(visitor.client, { channel: "chat", topic: "quiet" });
      expect(await app.ready).toMatchObject({ ok: true });
      await publishCount(stack.db, 3, (i) => chatEvent("quiet", i), 1);
      await app.waitFor(3);

      await redis.stop();
      await publishCount(stack.db, 5, (i) => chatEvent("quiet", 3 + i), 1);
      await redis.start();

      await app.waitFor(8, 30_000);
      app.assertContiguous(0, 8);
      expect(visitor.client.state).toBe("live");
    } finally {
      visitor.client.close();
    }
  }, 90_000);
});
