/**
 * Nothing a client sends takes a gateway down. One gateway on the real PostgreSQL and Redis,
 * the Admin UI in development mode (it mirrors every inbound packet, re-encoding it: the
 * original crash), fed over raw WebSocket and long-polling sessions with:
 * - the reported frame (an array ~5,000 deep, from a widget visitor's token) and its kin:
 *   too many elements, deep CONNECT auth, too many binary attachments, invalid namespaces,
 *   non-array payloads, a frame over ROOMCAST_MAX_PAYLOAD_BYTES;
 * - MUTATIONS mutated frames (seeded, so a failure replays), each followed by a probe
 *   event, so every frame is decoded before the next: the probe is answered, or the
 *   connection is closed, or the frame was a valid DISCONNECT and the socket left;
 * - POLL_BODIES mutated long-polling POST bodies.
 * Afterwards: the process is alive, a normal client subscribes and gets a published event
 * end to end, and the node's Engine.IO clients, TCP handles and heap are back to baseline.
 */
import { MAX_DEPTH, MAX_ELEMENTS } from "@roomcast/protocol";
import type { Server } from "node:http";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { io as connectAdmin, type Socket } from "socket.io-client";
import { connected, request, type TestSocket, until, waitFor } from "@roomcast/gateway/testing";
import { ackOf, eventFrame, openPolling, openRawSocket, openRawWs, type RawWsSession } from "../support/raw-engine";
import { startStack, type Stack } from "../support/stack";

const MUTATIONS = 3000;
const POLL_BODIES = 300;
const WORKERS = 4;
const SEED = 0x5eed;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** mulberry32: a small seeded PRNG, so a failing run can be replayed from SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  '42["subscribe",{"channel":"chat","topic":"s1"}]',
  '421["subscribe",{"channel":"chat","topic":"s1","since":0,"types":["message"]}]',
  '422["publish",{"channel":"chat","topic":"s1","type":"note","data":{"a":[1,2,{"b":"c"}]}}]',
  '423["unsubscribe",{"channel":"chat","topic":"s1"}]',
  '451-["publish",{"_placeholder":true,"num":0}]',
  '40/admin,{"username":"admin","password":"x"}',
  '40/nope,{}',
  '41',
  '43["x"]',
  '44"boom"',
  '42{"not":"array"}',
  `42["publish",${deep(80)}]`,
  `424["subscribe",${deep(200)}]`,
  `42["x",${JSON.stringify(new Array(50).fill({ k: [1, 2] }))}]`,
  '6',
  '5',
];
const ALPHABET = '[]{}",:0123456789-/\\ae\u0000\u00ff\ud83d';

function mutate(frame: string, random: () => number): string {
  const at = () => Math.floor(random() * (frame.length + 1));
  const pick = () => ALPHABET[Math.floor(random() * ALPHABET.length)] ?? "";
  switch (Math.floor(random() * 7)) {
    case 0: { const i = at(); return frame.slice(0, i) + pick() + frame.slice(i + 1); }
    case 1: { const i = at(); return frame.slice(0, i) + pick() + frame.slice(i); }
    case 2: { const i = at(); return frame.slice(0, i) + frame.slice(i + 1 + Math.floor(random() * 8)); }
    case 3: return frame.slice(0, at());
    case 4: { const i = at(); const j = Math.min(frame.length, i + Math.floor(random() * 16)); return frame.slice(0, j) + frame.slice(i, j) + frame.slice(j); }
    case 5: return String(Math.floor(random() * 10)) + frame.slice(1);
    default: return `4${Math.floor(random() * 10)}${Math.floor(random() * 100_000)}-${frame.slice(2)}`;
  }
}

function mutatedFrames(count: number, seed: number): string[] {
  const random = prng(seed);
  return Array.from({ length: count }, () => {
    let frame = SEEDS[Math.floor(random() * SEEDS.length)] ?? "";
    const rounds = 1 + Math.floor(random() * 3);
    for (let i = 0; i < rounds; i++) frame = mutate(frame, random);
    return frame;
  });
}

describe("inbound frames cannot take a gateway down", () => {
  let stack: Stack;
  let url: string;
  let visitorToken: string;
  let normal: TestSocket | undefined;
  let admin: Socket | undefined;
  const mirrored: unknown[] = [];

  beforeAll(async () => {
    stack = await startStack({ gateways: 1, env: { ROOMCAST_ADMIN_UI: "on", ROOMCAST_ADMIN_MODE: "development", ROOMCAST_RATE_LIMIT_EVENTS: "100000" } });
    url = stack.nodes[0]!.url;
    visitorToken = stack.token({ sub: "visitor-1", tenant: "acme", role: "visitor", session: "s1" });
    admin = connectAdmin(`${url}/admin`, { transports: ["websocket"], reconnection: false, forceNew: true, auth: { username: "admin", password: "roomcast-dev" } });
    await waitFor("the Admin UI to sign in", 5000, (resolve, reject) => {
      admin!.once("connect", () => resolve(undefined));
      admin!.once("connect_error", reject);
    });
    admin.on("event_received", (_nsp: string, _id: string, args: unknown[]) => mirrored.push(args[0]));
  });
  afterAll(async () => {
    normal?.disconnect();
    admin?.disconnect();
    await stack?.close();
  });

  it("answers the reported frame (5,000 deep, visitor token) with payload_too_large and keeps the socket", async () => {
    const raw = await openRawSocket(url, visitorToken);
    try {
      raw.send(eventFrame(1, "subscribe", deep(5000)));
      expect(ackOf(await raw.next("ack 1", (f) => f.startsWith("431[")), 1)).toEqual({
        ok: false,
        error: { code: "payload_too_large", message: `subscribe: payload nested deeper than ${MAX_DEPTH} levels` },
      });
      raw.send(eventFrame(2, "publish", JSON.stringify(new Array(MAX_ELEMENTS + 1).fill(0))));
      expect(ackOf(await raw.next("ack 2", (f) => f.startsWith("432[")), 2)).toMatchObject({ ok: false, error: { code: "payload_too_large" } });
      raw.send(`42["publish",${deep(30_000)}]`); // no ack: refused silently
      raw.send(eventFrame(3, "subscribe", '{"channel":"chat","topic":"s1"}'));
      expect(ackOf(await raw.next("ack 3", (f) => f.startsWith("433[")), 3)).toMatchObject({ ok: true, stream: "acme:chat:s1" });
      expect(raw.closed).toBe(false);
      // The Admin UI mirrored the small stand-in, not the payload.
      await until("the Admin UI to mirror the refused events", 5000, () => mirrored.filter((e) => e === "roomcast:refused").length >= 3);
    } finally {
      await raw.close();
    }
  });

  it.each([
    ["deep CONNECT auth", (token: string) => `40{"token":"${token}","x":${deep(5000)}}`, "closed"],
    ["too many binary attachments", () => `4599999999-["publish",{"_placeholder":true,"num":0}]`, "closed"],
    ["a binary frame with no packet", () => Buffer.from([4, 1, 2, 3]), "closed"],
    ["a non-array event payload", () => '42{"a":1}', "closed"],
    ["an invalid namespace", () => "40/no-such-namespace,", "44/no-such-namespace,"],
  ])("survives %s", async (_name, frame, expected) => {
    const raw = await openRawWs(url);
    try {
      raw.send(frame(visitorToken));
      const answer = await raw.next("an answer or the close", (f) => f.startsWith("4"));
      if (expected === "closed") expect(answer).toBeUndefined();
      else expect(answer?.startsWith(expected)).toBe(true);
    } finally {
      await raw.close();
    }
  });

  it("closes a WebSocket whose frame is over the payload limit (code 1009)", async () => {
    const raw = await openRawSocket(url, visitorToken);
    raw.send(eventFrame(1, "publish", JSON.stringify("x".repeat(70 * 1024))));
    expect(await raw.next("the close", () => false).catch(() => "timeout")).toBeUndefined();
    expect(raw.closeCode).toBe(1009);
  });

  it(`decodes ${MUTATIONS} mutated frames and ${POLL_BODIES} polling bodies without a crash or a hang, and returns to baseline`, async () => {
    const node = stack.nodes[0]!.gateway;
    gc();
    const baseline = { clients: node.io.engine.clientsCount, connections: await serverConnections(node.http), tcp: tcpHandles(), heap: process.memoryUsage().heapUsed };
    const frames = mutatedFrames(MUTATIONS, SEED);
    const outcome = { answered: 0, closed: 0, left: 0, reconnects: 0 };
    const reasons = new Map<string, number>();
    const started = Date.now();

    // Each worker sends its share one frame at a time, each followed by a probe: the probe's
    // ack (or the close) proves the frame was decoded; a hang fails the bounded wait.
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        let raw: RawWsSession | undefined;
        let left: Promise<{ reason: string }> = new Promise(() => undefined);
        let hasLeft = false;
        let id = 1000;
        try {
          for (let i = worker; i < frames.length; i += WORKERS) {
            if (raw === undefined || raw.closed || hasLeft) {
              await raw?.close();
              const opened = await openRawSocket(url, visitorToken);
              raw = opened;
              hasLeft = false;
              const serverSide = node.io.of("/").sockets.get(opened.sid);
              left = new Promise((resolve) => serverSide?.once("disconnect", (reason) => resolve({ reason })));
              outcome.reconnects++;
            }
            raw.send(frames[i]!);
            const probe = ++id;
            raw.send(eventFrame(probe, "unsubscribe", '{"channel":"chat","topic":"s1"}'));
            const what = `probe ${probe} after frame ${i} ${JSON.stringify(frames[i]!.slice(0, 80))}`;
            const answer = await Promise.race([raw.next(what, (f) => f.startsWith(`43${probe}[`)), left]);
            if (typeof answer === "string") outcome.answered++;
            else {
              // The server dropped the socket: a valid DISCONNECT frame, or an invalid one (connection closed).
              hasLeft = true;
              const reason = answer?.reason ?? "connection closed";
              if (reason === "client namespace disconnect") outcome.left++;
              else outcome.closed++;
              reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
            }
          }
        } finally {
          await raw?.close();
        }
      }),
    );

    const bodies = mutatedFrames(POLL_BODIES, SEED + 1).map((frame, i) => (i % 3 === 0 ? `4${frame}` : i % 3 === 1 ? `${frame}\u001e4${frame}` : frame));
    bodies.push("", "\u001e\u001e", `4${"x".repeat(70 * 1024)}`, `440{"token":"${visitorToken}","x":${deep(5000)}}`);
    const statuses = new Map<number, number>();
    for (const body of bodies) {
      const session = await openPolling(url);
      const status = await session.post(body);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      await session.close();
    }
    const binary = await openPolling(url);
    expect(await binary.post(Buffer.from([0, 1, 2]), "application/octet-stream")).toBe(400);
    const elapsedMs = Date.now() - started;

    expect(outcome.answered + outcome.closed + outcome.left).toBe(MUTATIONS);
    expect(outcome.answered).toBeGreaterThan(0);
    expect(outcome.closed).toBeGreaterThan(0);
    expect([...statuses.keys()].every((s) => [200, 400, 413].includes(s))).toBe(true);
    expect(statuses.get(413)).toBeGreaterThan(0);

    // Alive, and a normal client works end to end (subscribe, HTTP publish, the relay, the event).
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    normal = await connected(url, stack.token({ sub: "member-1", tenant: "acme", role: "member" }));
    expect(await request(normal, "subscribe", { channel: "notifications", topic: "member-1" })).toMatchObject({ ok: true });
    const received = waitFor<unknown>("the published event", 10_000, (resolve) => void normal!.once("event", resolve));
    const published = await fetch(`${url}/api/v1/publish`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.token({ sub: "svc", tenant: "acme", role: "service" })}` },
      body: JSON.stringify({ channel: "notifications", topic: "member-1", type: "after-fuzz", data: { ok: true } }),
    });
    expect(published.status).toBe(201);
    expect(await received).toMatchObject({ stream: "acme:notifications:member-1", type: "after-fuzz" });
    normal.disconnect();
    normal = undefined;

    // Back to baseline: the node's Engine.IO clients and HTTP connections exactly; the process's
    // TCP handles within the PostgreSQL pool's growth (10, closed when idle); heap within 32 MiB.
    const settling = Date.now();
    await until("Engine.IO clients back to baseline", 15_000, () => node.io.engine.clientsCount === baseline.clients);
    await until("the node's HTTP connections back to baseline", 15_000, async () => (await serverConnections(node.http)) === baseline.connections);
    const settledMs = Date.now() - settling;
    expect(tcpHandles()).toBeLessThanOrEqual(baseline.tcp + 10);
    gc();
    const heapGrowth = process.memoryUsage().heapUsed - baseline.heap;
    expect(heapGrowth).toBeLessThan(32 * 1024 * 1024);
    process.stdout.write(
      `inbound fuzz: ${MUTATIONS} frames (${outcome.answered} answered, ${outcome.closed} closed the connection ${JSON.stringify(Object.fromEntries(reasons))}, ` +
        `${outcome.left} left the namespace, ${outcome.reconnects} sessions), ${bodies.length} polling bodies ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `${elapsedMs} ms; back to baseline ${settledMs} ms later (TCP handles ${baseline.tcp} → ${tcpHandles()}), heap ${(heapGrowth / 1048576).toFixed(1)} MiB over baseline\n`,
    );
  }, 40_000);
});

function serverConnections(server: Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
}
