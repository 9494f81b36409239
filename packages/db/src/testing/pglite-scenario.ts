/**
 * The publish / replay scenario on embedded PGlite, run as its own process by
 * pglite.int.test.ts: PGlite's CommonJS build loads Node built-ins with dynamic
 * `import()`, which Jest's VM refuses unless Node runs with --experimental-vm-modules.
 * Usage: tsx pglite-scenario.ts <empty data folder>. Prints one JSON report on stdout.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createDb } from "../create-db";
import type { OutboxEventInput } from "../event-input";
import { migrate } from "../migrate/migrate";
import { OUTBOX_CHANNEL } from "../notify-channel";
import { createRelayOutbox, RELAY_PARTITIONS } from "../outbox/relay-outbox";
import { readStream } from "../outbox/read-stream";
import { deleteExpiredEvents } from "../outbox/retention";
import { streamPosition } from "../outbox/stream-position";
import { publish } from "../publish";

const event = (topic: string, data: unknown): OutboxEventInput => ({
  tenant: "embedded",
  channel: "chat",
  topic,
  type: "message:new",
  data,
  source: "pglite-scenario",
});

async function main(dataDir: string): Promise<void> {
  const migrations = await migrate({ pgliteDir: dataDir });
  const db = await createDb({ pgliteDir: dataDir });
  const notified: string[] = [];
  const listener = await db.listen(OUTBOX_CHANNEL, (payload) => notified.push(payload));
  try {
    // Ten writers at once; PGlite runs one transaction at a time, each sleeping before commit.
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.prisma.$transaction(async (tx) => {
          const published = await publish(tx, event("s1", { i }));
          await sleep(Math.random() * 20);
          return published.offset;
        }),
      ),
    );
    const rolledBack = await db.prisma
      .$transaction(async (tx) => {
        await publish(tx, event("s1", "doomed"));
        throw new Error("roll back");
      })
      .then(
        () => "committed",
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
    const afterRollback = await db.prisma.$transaction((tx) => publish(tx, event("s1", "after")));
    await db.prisma.$transaction((tx) => publish(tx, event("s2", "other")));

    const replay = await readStream(db.prisma, { stream: "embedded:chat:s1", after: 8, limit: 100 });
    const outbox = createRelayOutbox(db);
    const relayed = await outbox.round(async (round) => {
      const members = await round.heartbeat("embedded-relay", 1000);
      const pending = await round.lockAndRead(Array.from({ length: RELAY_PARTITIONS }, (_, p) => p), 100);
      await round.markEmitted(pending.filter((p) => p.stream === "embedded:chat:s1"));
      return { members, pending: pending.map((p) => `${p.stream}#${p.offset}`).sort() };
    });
    const left = await outbox.round((round) => round.lockAndRead(Array.from({ length: RELAY_PARTITIONS }, (_, p) => p), 100));
    const retention = await deleteExpiredEvents(db.prisma, { before: new Date(Date.now() + 60_000), maxPerStream: 5, batchSize: 4 });
    const positions = {
      s1: await streamPosition(db.prisma, "embedded:chat:s1"),
      s2: await streamPosition(db.prisma, "embedded:chat:s2"),
    };
    // Notifications are delivered after commit; wait (bounded) for the last one.
    for (let i = 0; i < 200 && notified.length < 12; i += 1) await sleep(5);

    const report = {
      applied: migrations.applied,
      concurrent: concurrent.sort((a, b) => a - b),
      rolledBack,
      afterRollback: afterRollback.offset,
      replay: replay.map((e) => ({ offset: e.offset, data: e.data, stream: e.stream, ts: e.ts })),
      relayed,
      left: left.map((p) => `${p.stream}#${p.offset}`),
      retention,
      positions,
      notified: notified.length,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await listener.close();
    await db.close();
  }
}

const dataDir = process.argv[2];
if (dataDir === undefined) {
  process.stderr.write("usage: pglite-scenario <data folder>\n");
  process.exit(2);
}
main(dataDir).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
