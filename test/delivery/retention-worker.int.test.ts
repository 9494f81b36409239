/**
 * The retention worker as the relay runs it: published events past the window are
 * deleted, unpublished ones never are, and old publish idempotency keys go with them.
 */
import { claimKey, publishMany } from "@roomcast/db";
import { createRetentionWorker } from "@roomcast/relay-core";
import pino from "pino";
import { until } from "@roomcast/gateway/testing";
import { chatEvent } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

describe("retention worker", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateways: 1 });
  }, 120_000);
  afterAll(() => stack.close());

  it("deletes published events and idempotency keys past the window, and keeps what is unpublished", async () => {
    const { prisma } = stack.db;
    await prisma.$transaction((tx) => publishMany(tx, [chatEvent("old", 1), chatEvent("old", 2)]));
    await prisma.$transaction((tx) => claimKey(tx, { tenant: "acme", source: "visitor:v1", key: "k1" }));
    await until("the relay to publish both events", 10_000, async () => (await prisma.outboxPending.count()) === 0);
    await stack.stopRelays();
    await prisma.$transaction((tx) => publishMany(tx, [chatEvent("old", 3)])); // stays unpublished now

    // A one-hour window, seen from two hours later.
    const worker = createRetentionWorker(
      { db: stack.db, logger: pino({ level: "silent" }) },
      { retentionMs: 3_600_000, maxPerStream: 1000, now: () => Date.now() + 7_200_000 },
    );
    expect(await worker.once()).toBe(2);
    expect(await prisma.outboxEvent.findMany({ select: { offset: true } })).toEqual([{ offset: 3n }]);
    expect(await prisma.outboxPending.findMany({ select: { offset: true } })).toEqual([{ offset: 3n }]);
    expect(await prisma.idempotencyKey.count()).toBe(0);
  });
});
