/**
 * Raw Engine.IO / Socket.IO clients for fuzzing the gateway below socket.io-client: a
 * WebSocket session (the `ws` package) that sends arbitrary frames, and a long-polling
 * session that POSTs arbitrary bodies. Every wait is bounded.
 */
import WebSocket from "ws";
import { waitFor } from "@roomcast/gateway/testing";

export interface RawWsSession {
  ws: WebSocket;
  /** Text frames received (Engine.IO packets as sent by the server). */
  received: string[];
  closed: boolean;
  closeCode: number | undefined;
  send(frame: string | Buffer): void;
  /** Waits for a received text frame matching `test`, or the close; resolves undefined on close. */
  next(what: string, test: (frame: string) => boolean, timeoutMs?: number): Promise<string | undefined>;
  close(): Promise<void>;
}

export async function openRawWs(baseUrl: string, timeoutMs = 5000): Promise<RawWsSession> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
  const session: RawWsSession = {
    ws,
    received: [],
    closed: false,
    closeCode: undefined,
    send: (frame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    next(what, test, wait = timeoutMs) {
      return waitFor<string | undefined>(what, wait, (resolve) => {
        const seen = session.received.find(test);
        if (seen !== undefined) {
          session.received.splice(session.received.indexOf(seen), 1);
          return resolve(seen);
        }
        if (session.closed) return resolve(undefined);
        const onMessage = (data: Buffer, isBinary: boolean) => {
          const frame = isBinary ? "" : data.toString();
          if (!test(frame)) return;
          session.received.splice(session.received.lastIndexOf(frame), 1);
          resolve(frame);
        };
        const onClose = () => resolve(undefined);
        ws.on("message", onMessage);
        ws.once("close", onClose);
        return () => {
          ws.off("message", onMessage);
          ws.off("close", onClose);
        };
      });
    },
    async close() {
      if (session.closed) return;
      const closed = waitFor<void>("raw WebSocket to close", 5000, (resolve) => void ws.once("close", () => resolve()));
      ws.terminate();
      await closed;
    },
  };
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (isBinary) return;
    const frame = data.toString();
    // Answer heartbeats so a slow run is never cut by the ping timeout.
    if (frame === "2") ws.send("3");
    else session.received.push(frame);
  });
  ws.on("error", () => undefined);
  ws.once("close", (code: number) => {
    session.closed = true;
    session.closeCode = code;
  });
  const open = await session.next("the Engine.IO open packet", (f) => f.startsWith("0{"), timeoutMs);
  if (open === undefined) throw new Error("the WebSocket closed before the Engine.IO handshake");
  return session;
}

/** A WebSocket session connected to the main namespace with `token`; `sid` is the Socket.IO socket id. */
export async function openRawSocket(baseUrl: string, token: string): Promise<RawWsSession & { sid: string }> {
  const session = await openRawWs(baseUrl);
  session.send(`40${JSON.stringify({ token })}`);
  const connected = await session.next("the namespace CONNECT answer", (f) => f.startsWith("40") || f.startsWith("44"));
  if (connected === undefined || !connected.startsWith("40")) throw new Error(`connect refused: ${connected ?? "closed"}`);
  return Object.assign(session, { sid: (JSON.parse(connected.slice(2)) as { sid: string }).sid });
}

/** Socket.IO frame `42<id>["<event>",<payload text>]` with its ack id. */
export function eventFrame(id: number, event: string, payloadText: string): string {
  return `42${id}[${JSON.stringify(event)},${payloadText}]`;
}

/** The JSON payload of ack `id` in an `43<id>[…]` frame. */
export function ackOf(frame: string | undefined, id: number): unknown {
  const prefix = `43${id}[`;
  if (frame === undefined || !frame.startsWith(prefix)) return undefined;
  return (JSON.parse(frame.slice(prefix.length - 1)) as unknown[])[0];
}

export interface PollingSession {
  sid: string;
  /** POSTs a raw body; resolves the HTTP status (0 when the request failed). */
  post(body: string | Uint8Array, contentType?: string): Promise<number>;
  close(): Promise<void>;
}

export async function openPolling(baseUrl: string): Promise<PollingSession> {
  const base = `${baseUrl}/socket.io/?EIO=4&transport=polling`;
  const res = await fetch(base, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  const open = /^0(\{.*\})/.exec(text);
  if (open === null) throw new Error(`no polling handshake: ${res.status} ${text.slice(0, 80)}`);
  const sid = (JSON.parse(open[1]!) as { sid: string }).sid;
  const url = `${base}&sid=${encodeURIComponent(sid)}`;
  const post = (body: string | Uint8Array, contentType = "text/plain;charset=UTF-8") =>
    fetch(url, { method: "POST", body: typeof body === "string" ? body : new Blob([Uint8Array.from(body)]), headers: { "content-type": contentType }, signal: AbortSignal.timeout(5000) }).then(
      async (r) => {
        await r.arrayBuffer();
        return r.status;
      },
      () => 0,
    );
  return { sid, post, close: async () => void (await post("1")) };
}
