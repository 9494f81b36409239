import { EventEmitter } from "node:events";
import type { GatewaySocket } from "../socket/socket-types";
import { bufferedBytes, createSlowConsumerWatch, packetBytes } from "./slow-consumer";

describe("slow-consumer accounting", () => {
  it("counts string payloads in UTF-8 bytes and binary payloads by length", () => {
    expect(packetBytes("abc")).toBe(3);
    expect(packetBytes("é")).toBe(2);
    expect(packetBytes(Buffer.alloc(10))).toBe(10);
    expect(packetBytes(new ArrayBuffer(7))).toBe(7);
    expect(packetBytes(undefined)).toBe(0);
  });
  it("adds the WebSocket's own buffer for the websocket transport only", () => {
    expect(bufferedBytes(100, { name: "websocket", socket: { bufferedAmount: 50 } } as { name: string })).toBe(150);
    expect(bufferedBytes(100, { name: "polling", socket: { bufferedAmount: 50 } } as { name: string })).toBe(100);
    expect(bufferedBytes(100, { name: "websocket" })).toBe(100);
  });
});

describe("createSlowConsumerWatch", () => {
  /** An Engine.IO connection as far as the watch reads it: writeBuffer, transport, readyState, close. */
  class FakeConn extends EventEmitter {
    readyState = "open";
    writeBuffer: Array<{ data?: unknown }> = [];
    transport = { name: "websocket", socket: { bufferedAmount: 0, terminate: jest.fn() } };
    close = jest.fn(() => {
      this.readyState = "closed";
    });
    queue(data: string): void {
      const packet = { data };
      this.emit("packetCreate", packet);
      this.writeBuffer.push(packet);
    }
    flush(): void {
      this.writeBuffer = [];
    }
  }
  const fakeSocket = (id: string) => {
    const conn = new FakeConn();
    const socket = { id, conn, emit: jest.fn(), disconnect: jest.fn() };
    return { socket: socket as unknown as GatewaySocket, conn, raw: socket };
  };
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it("checks once per turn, after the burst, and cuts only a connection over the cap", async () => {
    const slow: Array<[string, number]> = [];
    const watch = createSlowConsumerWatch({ maxBufferedBytes: 100, onSlow: (socket, bytes) => slow.push([socket.id, bytes]) });
    const a = fakeSocket("a");
    const b = fakeSocket("b");
    watch.watch(a.socket);
    watch.watch(b.socket);
    // A burst larger than the cap that the transport takes before the turn ends: not slow.
    for (let i = 0; i < 5; i++) a.conn.queue("x".repeat(40));
    a.conn.flush();
    // A burst that stays queued, plus the WebSocket's own buffer.
    b.conn.queue("y".repeat(60));
    b.conn.transport.socket.bufferedAmount = 50;
    await turn();
    expect(slow).toEqual([["b", 110]]);
    expect(a.raw.disconnect).not.toHaveBeenCalled();
    expect(b.raw.emit).toHaveBeenCalledWith("system", expect.objectContaining({ type: "notice" }));
    expect(b.raw.disconnect).toHaveBeenCalledWith(true);
    expect(b.conn.close).toHaveBeenCalledWith(true);
    expect(b.conn.transport.socket.terminate).toHaveBeenCalled();
    // Cut once: what it queues afterwards is not checked again.
    b.conn.queue("y".repeat(200));
    await turn();
    expect(slow).toHaveLength(1);
    watch.close();
  });

  it("close() drops a pending check", async () => {
    const slow: string[] = [];
    const watch = createSlowConsumerWatch({ maxBufferedBytes: 10, onSlow: (socket) => slow.push(socket.id) });
    const a = fakeSocket("a");
    watch.watch(a.socket);
    a.conn.queue("z".repeat(50));
    watch.close();
    await turn();
    expect(slow).toEqual([]);
  });
});
