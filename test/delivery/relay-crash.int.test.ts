/**
 * Relay crash: two relay processes share the outbox; the one emitting is SIGKILLed in the
 * middle of a round while events keep coming. Nothing is lost, duplicates stay on the
 * wire (the SDK drops them), order is kept, and the survivor takes over within 2 s.
 */
import { publishMany } from "@roomcast/db";
import type { ChildProcess } from "node:child_process";
import { until, waitFor } from "../../apps/gateway/src/testing/wait";
import { holdableClient, recordInto, type AppRecorder } from "../support/sdk";
import { chatEvent } from "../support/produce";
import { startStack, type Stack } from "../support/stack";

const STREAMS = 5;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("relay crash", () => {
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

  it("loses nothing, keeps order, and the other relay takes over within 2 s", async () => {
    const relays = new Map<string, ChildProcess>([
      ["relay-a", stack.spawnRelay("relay-a", { ROOMCAST_RELAY_BATCH_SIZE: "200" })],
      ["relay-b", stack.spawnRelay("relay-b", { ROOMCAST_RELAY_BATCH_SIZE: "200" })],
    ]);
    const token = stack.token({ sub: "agent", tenant: "acme", role: "agent" });
    const clients = stack.nodes.map((node) => holdableClient(node.url, token));
    try {
      const apps: AppRecorder[][] = [];
      for (const { client } of clients) {
        const recorders = Array.from({ length: STREAMS }, (_, s) => recordInto(client, { channel: "chat", topic: `s${s}` }));
        for (const r of recorders) expect(await r.ready).toMatchObject({ ok: true });
        apps.push(recorders);
      }
      const deliveredAt = (i: number) => apps[0]!.reduce((sum, r) => sum + r.events.length, 0) >= i;

      // A steady producer: 50 events every 10 ms across the streams, until told to stop.
      let producing = true;
      let published = 0;
      const producer = (async () => {
        while (producing) {
          const batch = Array.from({ length: 50 }, (_, i) => chatEvent(`s${(published + i) % STREAMS}`, published + i));
          await stack.db.prisma.$transaction((tx) => publishMany(tx, batch));
          published += batch.length;
          await pause(10);
        }
      })();

      await until("the relays to deliver the first 500 events", 30_000, () => deliveredAt(500));
      let victim: string | undefined;
      await until("a relay to be caught in the middle of a round", 10_000, async () => (victim = await emittingRelay()) !== undefined, 5);
      const victimProcess = relays.get(victim!)!;
      const exited = waitFor<void>("the killed relay to exit", 5000, (resolve) => {
        victimProcess.once("exit", () => resolve());
      });
      victimProcess.kill("SIGKILL");
      await exited;
      const killedAt = Date.now();
      const committedBeforeKill = published;

      // Takeover: an event committed after the kill reaches the app within 2 s.
      await until("the surviving relay to deliver events committed after the kill", 2_000, () => published > committedBeforeKill && deliveredAt(published), 10);
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThan(2_000);

      await pause(300); // keep producing a little longer while only the survivor runs
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
      for (const child of relays.values()) child.kill("SIGKILL");
    }
  }, 180_000);
});
