/**
 * Relays share the work, and survive a crash: three relay processes split the outbox's
 * partitions (each emits a fair share, read from its own /metrics), then the one caught in
 * the middle of a round is SIGKILLed while events keep coming. The other two take its
 * streams within 2 s, nothing is lost, order is kept, and duplicates stay on the wire (the
 * SDK drops them).
 */
import { partitionOf, publishMany, RELAY_PARTITIONS } from "@roomcast/db";
import type { ChildProcess } from "node:child_process";
import { freePorts } from "../../scripts/cluster/free-port";
import { until, waitFor } from "@roomcast/gateway/testing";
import { holdableClient, recordInto, type AppRecorder } from "../support/sdk";
import { chatEvent } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

const STREAMS = 24;
const RELAYS = ["relay-a", "relay-b", "relay-c"];
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("relays sharing the outbox", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateways: 2, relays: 0 });
  }, 120_000);
  afterAll(() => stack.close());

  /** The relay process (by application_name) holding a partition lock right now, if any. */
  async function emittingRelay(): Promise<string | undefined> {
    const rows = await stack.db.prisma.$queryRaw<Array<{ application_name: string }>>`
      SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND a.application_name LIKE 'relay-%' LIMIT 1`;
    return rows[0]?.application_name;
  }

  async function emittedBy(port: number): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith("roomcast_relay_events_emitted_total"));
    return Number(line?.split(" ").at(-1) ?? 0);
  }

  it("splits the work three ways; after a SIGKILL the others take the victim's streams within 2 s, losing nothing", async () => {
    const ports = await freePorts(RELAYS.length);
    const relays = new Map<string, { child: ChildProcess; port: number }>(
      RELAYS.map((name, i) => [
        name,
        { child: stack.spawnRelay(name, { ROOMCAST_RELAY_BATCH_SIZE: "200", ROOMCAST_METRICS_PORT: String(ports[i]), HOST: "127.0.0.1" }), port: ports[i]! },
      ]),
    );
    const token = stack.token({ sub: "agent", tenant: "acme", role: "agent" });
    const clients = stack.nodes.map((node) => holdableClient(node.url, token));
    try {
      const apps: AppRecorder[][] = [];
      for (const { client } of clients) {
        const recorders = Array.from({ length: STREAMS }, (_, s) => recordInto(client, { channel: "chat", topic: `s${s}` }));
        for (const r of recorders) expect(await r.ready).toMatchObject({ ok: true });
        apps.push(recorders);
      }
      const delivered = () => apps[0]!.reduce((sum, r) => sum + r.events.length, 0);
      await until("three live relay members", 30_000, async () => (await stack.db.prisma.relayMember.count()) === RELAYS.length, 100);

      // A steady producer: 48 events every 10 ms across the streams, until told to stop.
      let producing = true;
      let published = 0;
      const producer = (async () => {
        while (producing) {
          const batch = Array.from({ length: 48 }, (_, i) => chatEvent(`s${(published + i) % STREAMS}`, published + i));
          await stack.db.prisma.$transaction((tx) => publishMany(tx, batch));
          published += batch.length;
          await pause(10);
        }
      })();

      // The work is shared: each relay emitted a fair part of what was delivered.
      await until("the relays to deliver 3,000 events", 60_000, () => delivered() >= 3_000, 20);
      const counts = await Promise.all([...relays.values()].map(({ port }) => emittedBy(port)));
      const total = counts.reduce((a, b) => a + b, 0);
      for (const count of counts) expect(count / total).toBeGreaterThan(0.15);

      let victim: string | undefined;
      await until("a relay to be caught in the middle of a round", 10_000, async () => (victim = await emittingRelay()) !== undefined, 5);
      const { child } = relays.get(victim!)!;
      const exited = waitFor<void>("the killed relay to exit", 5000, (resolve) => {
        child.once("exit", () => resolve());
      });
      child.kill("SIGKILL");
      await exited;
      const killedAt = Date.now();
      const committedBeforeKill = published;

      // The victim's share (member i of the sorted three owns p % 3 = i) moves to the others:
      // an event committed after the kill on each of its streams reaches the app within 2 s.
      const index = RELAYS.indexOf(victim!);
      const victimStreams = apps[0]!.filter((_, s) => partitionOf(`acme:chat:s${s}`, RELAY_PARTITIONS) % RELAYS.length === index);
      expect(victimStreams.length).toBeGreaterThan(0);
      await until(
        "the surviving relays to deliver the victim's streams' events committed after the kill",
        2_000,
        () => published > committedBeforeKill + STREAMS && victimStreams.every((r) => r.events.length >= Math.floor((committedBeforeKill + STREAMS) / STREAMS)),
        10,
      );
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThan(2_000);
      process.stdout.write(`relay sharing: emitted ${counts.join(" / ")} of ${total}; SIGKILL ${victim}: its ${victimStreams.length} streams moved in ${takeoverMs} ms\n`);

      await pause(300); // keep producing a little longer while only the survivors run
      producing = false;
      await producer;
      const perStream = Math.floor(published / STREAMS);
      await until("every event at every client", 60_000, () => apps.every((recorders) => recorders.reduce((sum, r) => sum + r.events.length, 0) >= published), 50);
      for (const recorders of apps) {
        for (const [s, app] of recorders.entries()) {
          const expected = perStream + (s < published % STREAMS ? 1 : 0);
          app.assertContiguous(0, expected);
        }
      }
      // The wire may carry duplicates (a killed round is emitted again); the app never does.
      for (const { wire } of clients) expect(wire.length).toBeGreaterThanOrEqual(published);
    } finally {
      for (const { client } of clients) client.close();
      for (const { child } of relays.values()) child.kill("SIGKILL");
    }
  }, 180_000);
});
