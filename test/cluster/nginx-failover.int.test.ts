/**
 * The front door's behaviour when a gateway hangs, and at its Socket.IO budget, against
 * the real Debian nginx running the rendered local config (routes.conf and proxy.conf are
 * the ones compose uses too) in front of three plain HTTP upstreams. One upstream is made
 * to hang: it accepts connections and requests and answers nothing, which is what a
 * SIGSTOPped gateway looks like to nginx. Every scenario gets a fresh nginx, so no
 * failure state carries over from one to the next.
 *
 * What it proves:
 * - a GET to the API that the hash sends to the hung node is answered by another node
 *   (after the location's read timeout), and the node is then skipped;
 * - opening a Socket.IO session and GET /api/v1/status are probed first: the hung node
 *   fails the probe, the real request never reaches it and is answered by another node;
 *   the probe carries none of the client's headers (a client cannot make it wait);
 * - requests of an open Engine.IO session (`sid`) are not probed;
 * - a POST /api/v1/publish that reached the hung node is not sent a second time (504);
 *   the producer's retry goes to another node at once;
 * - past the Socket.IO budget new Socket.IO requests get 503, while the API and /healthz
 *   keep answering.
 */
import type { Socket } from "node:net";
import { until } from "@roomcast/gateway/testing";
import { accessLines, fakeUpstreams, send, sourceFor, startFront, UPGRADE_HEADERS, WEBSOCKET_OPEN, type FakeUpstream, type Front, type Seen } from "./nginx-testing";

jest.setTimeout(60_000);

describe("nginx in front of a hung gateway", () => {
  const seen: Seen[] = [];
  let upstreams: FakeUpstream[];
  const fronts: Front[] = [];
  const held: Socket[] = [];

  beforeAll(async () => {
    upstreams = await fakeUpstreams(3, seen);
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    for (const front of fronts) await front.stop();
    await Promise.all(upstreams.map((u) => u.close()));
  });
  afterEach(() => {
    for (const u of upstreams) u.hung = false;
  });

  /** A fresh nginx, a source address hashed to u3, and u3 hung from now on. */
  async function hungThirdNode(): Promise<{ front: Front; source: string; hung: FakeUpstream }> {
    const front = await startFront(upstreams);
    fronts.push(front);
    const hung = upstreams[2]!;
    const source = await sourceFor(front, hung.name);
    hung.hung = true;
    return { front, source, hung };
  }

  const since = (index: number) => seen.slice(index);

  it("answers a GET to the API from another node when the hashed node hangs, then skips it", async () => {
    const { front, source } = await hungThirdNode();
    const before = seen.length;
    const first = await send(front.port, "/api/v1/chat/sessions", source);
    expect(first.status).toBe(200);
    expect(first.headers["x-upstream"]).toMatch(/^u[12]$/);
    // It reached the hung node first, then the other one.
    expect(since(before).map((s) => s.upstream)).toEqual(["u3", first.headers["x-upstream"]]);
    const line = accessLines(front).find((l) => l.uri === "/api/v1/chat/sessions");
    expect(line?.upstreams).toEqual([`127.0.0.1:${upstreams[2]!.port}`, expect.stringMatching(/^127\.0\.0\.1:\d+$/)]);
    // Marked failed: the next request from the same client goes elsewhere straight away.
    const again = seen.length;
    const second = await send(front.port, "/api/v1/chat/sessions", source);
    expect(second.headers["x-upstream"]).toBe(first.headers["x-upstream"]);
    expect(since(again).map((s) => s.upstream)).toEqual([second.headers["x-upstream"]]);
    process.stdout.write(`GET via hung node: answered by ${String(first.headers["x-upstream"])} after ${first.ms} ms, next request ${second.ms} ms\n`);
  });

  it("probes before opening a Socket.IO session: the hung node gets only the probe, another node the upgrade", async () => {
    const { front, source } = await hungThirdNode();
    const before = seen.length;
    const opened = await send(front.port, WEBSOCKET_OPEN, source, { headers: { ...UPGRADE_HEADERS, authorization: "Bearer secret", "content-length": "5" }, body: "hello" });
    expect(opened.status).toBe(101);
    const other = String(opened.headers["x-upstream"]);
    expect(other).toMatch(/^u[12]$/);
    const reached = since(before);
    expect(reached.map((s) => `${s.upstream} ${s.method} ${s.url?.split("?")[0]}`)).toEqual(["u3 GET /healthz", `${other} GET /healthz`, `${other} GET /socket.io/`]);
    // The probe carries nothing of the client's: no length without a body, no credentials, no upgrade.
    for (const probe of reached.slice(0, 2)) {
      expect(probe.headers["content-length"]).toBeUndefined();
      expect(probe.headers.authorization).toBeUndefined();
      expect(probe.headers.upgrade).toBeUndefined();
      expect(probe.headers.connection).toBeUndefined(); // keep-alive to the upstream
    }
    process.stdout.write(`Socket.IO open via hung node: 101 from ${other} after ${opened.ms} ms\n`);
  });

  it("probes before GET /api/v1/status, and does not probe requests of an open session", async () => {
    const { front, source } = await hungThirdNode();
    let before = seen.length;
    const status = await send(front.port, "/api/v1/status", source);
    expect(status.status).toBe(200);
    expect(since(before).map((s) => `${s.upstream} ${s.url}`)).toEqual(["u3 /healthz", `${String(status.headers["x-upstream"])} /healthz`, `${String(status.headers["x-upstream"])} /api/v1/status`]);
    upstreams[2]!.hung = false;
    before = seen.length;
    const poll = await send(front.port, "/socket.io/?EIO=4&transport=polling&sid=abc", "127.0.0.9");
    expect(poll.status).toBe(200);
    expect(since(before).map((s) => s.url)).toEqual(["/socket.io/?EIO=4&transport=polling&sid=abc"]);
    process.stdout.write(`status via hung node: answered by ${String(status.headers["x-upstream"])} after ${status.ms} ms\n`);
  });

  it("does not send a POST that reached the hung node a second time; the producer's retry goes elsewhere", async () => {
    const { front, source } = await hungThirdNode();
    const before = seen.length;
    const body = JSON.stringify({ channel: "notifications", type: "notice", data: {}, key: "retry-key-0001" });
    const headers = { "content-type": "application/json" };
    const first = await send(front.port, "/api/v1/publish", source, { method: "POST", headers, body });
    expect(first.status).toBe(504);
    expect(since(before).map((s) => `${s.upstream} ${s.method}`)).toEqual(["u3 POST"]);
    const retry = await send(front.port, "/api/v1/publish", source, { method: "POST", headers, body });
    expect(retry.status).toBe(200);
    expect(since(before).map((s) => `${s.upstream} ${s.method}`)).toEqual(["u3 POST", `${String(retry.headers["x-upstream"])} POST`]);
    process.stdout.write(`POST via hung node: 504 after ${first.ms} ms; retry answered by ${String(retry.headers["x-upstream"])} after ${retry.ms} ms\n`);
  });

  it("past the Socket.IO budget answers new Socket.IO requests 503 and keeps serving the API", async () => {
    const budget = 5;
    const front = await startFront(upstreams, { limits: { workerProcesses: 1, workerConnections: 64, workerRlimitNofile: 1088, socketConnections: budget } });
    fronts.push(front);
    for (let i = 0; i < budget; i++) {
      const open = await send(front.port, WEBSOCKET_OPEN, `127.0.0.${20 + i}`, { headers: UPGRADE_HEADERS, keepUpgrade: true });
      expect(open.status).toBe(101);
      held.push(open.socket!);
    }
    expect((await send(front.port, WEBSOCKET_OPEN, "127.0.0.40", { headers: UPGRADE_HEADERS })).status).toBe(503);
    expect((await send(front.port, "/socket.io/?EIO=4&transport=polling&sid=abc", "127.0.0.40")).status).toBe(503);
    expect((await send(front.port, "/api/v1/publish", "127.0.0.40", { method: "POST", body: "{}" })).status).toBe(200);
    expect((await send(front.port, "/healthz", "127.0.0.40")).status).toBe(200);
    // A budget slot comes back when a socket closes (once nginx has read the close).
    held.shift()!.destroy();
    let reopened: Awaited<ReturnType<typeof send>> | undefined;
    await until("a Socket.IO slot to come back after a close", 5000, async () => {
      reopened = await send(front.port, WEBSOCKET_OPEN, "127.0.0.41", { headers: UPGRADE_HEADERS, keepUpgrade: true });
      return reopened.status === 101;
    });
    held.push(reopened!.socket!);
  });
});
