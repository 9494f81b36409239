/**
 * A lost wake-up only delays: with the relay's LISTEN connection killed (and killed again
 * each time the relay reopens it), every event still arrives, each within the poll
 * interval plus the time of one round.
 */
import { publish } from "@roomcast/db";
import { until } from "@roomcast/gateway/testing";
import { holdableClient, recordInto } from "../support/sdk";
import { chatEvent } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

const POLL_MS = 1000;
const ROUND_SLACK_MS = 750;

describe("lost wake-up", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateways: 1, relayOptions: { pollIntervalMs: POLL_MS } });
  }, 120_000);
  afterAll(() => stack.close());

  const killListeners = async () =>
    stack.db.prisma.$queryRaw<Array<{ pid: number }>>`
      SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pg_terminate_backend(pid)`;

  it("delivers every event within the poll interval while LISTEN is down", async () => {
    const agent = holdableClient(stack.nodes[0]!.url, stack.token({ sub: "a1", tenant: "acme", role: "agent" }));
    try {
      const app = recordInto(agent.client, { channel: "chat", topic: "w" });
      expect(await app.ready).toMatchObject({ ok: true });
      await until("the relay to be listening", 10_000, async () => (await stack.db.prisma.$queryRaw<unknown[]>`
        SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`).length > 0);

      let killed = 0;
      let watching = true;
      const watchdog = (async () => {
        while (watching) {
          killed += (await killListeners()).length;
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      try {
        for (let i = 0; i < 5; i++) {
          const sentAt = Date.now();
          await stack.db.prisma.$transaction((tx) => publish(tx, chatEvent("w", i)));
          await until(`event ${i} without a wake-up`, POLL_MS + ROUND_SLACK_MS, () => app.events.length > i, 5);
          expect(Date.now() - sentAt).toBeLessThanOrEqual(POLL_MS + ROUND_SLACK_MS);
        }
      } finally {
        watching = false;
        await watchdog;
      }
      expect(killed).toBeGreaterThan(0);
      app.assertContiguous(0, 5);
    } finally {
      agent.client.close();
    }
  }, 120_000);
});
