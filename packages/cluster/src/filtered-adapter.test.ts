import { eventTag, passesFilter, type SubscriptionFilter } from "@roomcast/protocol";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket as ServerSocket } from "socket.io";
import { Adapter } from "socket.io-adapter";
import { io as connect, type Socket } from "socket.io-client";
import { withEventFilter } from "./filtered-adapter";

type Filters = Record<string, SubscriptionFilter>;

describe("withEventFilter", () => {
  let server: Server;
  let url: string;
  const clients: Socket[] = [];
  let delivered: Array<{ room: string; sockets: number; packet: unknown }> = [];

  beforeEach(async () => {
    delivered = [];
    const http = createServer();
    server = new Server(http, {
      adapter: withEventFilter<ServerSocket>(Adapter, {
        accepts: (socket, room, event) => passesFilter((socket.data as { filters?: Filters }).filters?.[room], event),
        localOnly: (room) => room.startsWith("#"),
        onDelivered: (room, sockets, packet) => delivered.push({ room, sockets, packet }),
      }),
    });
    server.on("connection", (socket) => {
      socket.data = { filters: {} as Filters };
      socket.on("join", (room: string, filter: SubscriptionFilter | null, ack: () => void) => {
        if (filter !== null) (socket.data as { filters: Filters }).filters[room] = filter;
        void socket.join(room);
        ack();
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await new Promise<void>((resolve) => void server.close(() => resolve()));
  });

  async function subscriber(room: string, filter: SubscriptionFilter | null): Promise<{ socket: Socket; got: number[] }> {
    const socket = connect(url, { transports: ["websocket"], forceNew: true });
    clients.push(socket);
    const got: number[] = [];
    socket.on("event", (e: { offset: number }) => got.push(e.offset));
    await new Promise<void>((resolve) => socket.emit("join", room, filter, resolve));
    return { socket, got };
  }

  it("writes a tagged broadcast to the sockets whose filter passes, and to unfiltered ones", async () => {
    const all = await subscriber("acme:chat:s1", null);
    const urgent = await subscriber("acme:chat:s1", { minPriority: 8 });
    const statusOnly = await subscriber("acme:chat:s1", { types: ["status"] });
    const events = [
      { offset: 1, type: "message", priority: 9 },
      { offset: 2, type: "status", priority: 1 },
      { offset: 3, type: "message", priority: 2 },
      { offset: 4, type: "status", priority: 8 },
    ];
    for (const e of events) server.to("acme:chat:s1").except(eventTag({ ...e, source: "test" })).emit("event", e);
    // A fence on a room every subscriber is in: everything before it was delivered.
    await waitUntil(() => all.got.length === 4);
    server.to("acme:chat:s1").except(eventTag({ type: "status", priority: 9, source: "test" })).emit("event", { offset: 5 });
    await waitUntil(() => urgent.got.includes(5) && statusOnly.got.includes(5));
    expect(all.got).toEqual([1, 2, 3, 4, 5]);
    expect(urgent.got).toEqual([1, 4, 5]);
    expect(statusOnly.got).toEqual([2, 4, 5]);
  });

  it("reports each tagged broadcast's room, the sockets it was written to and its packet", async () => {
    const all = await subscriber("acme:chat:s4", null);
    await subscriber("acme:chat:s4", { types: ["status"] });
    server.to("acme:chat:s4").except(eventTag({ type: "message", priority: 5, source: "test" })).emit("event", { offset: 1, ts: "t1" });
    server.to("acme:chat:s4").except(eventTag({ type: "status", priority: 5, source: "test" })).emit("event", { offset: 2, ts: "t2" });
    server.to("acme:chat:s4").emit("untagged", {});
    await waitUntil(() => all.got.length === 2);
    expect(delivered).toEqual([
      { room: "acme:chat:s4", sockets: 1, packet: expect.objectContaining({ data: ["event", { offset: 1, ts: "t1" }] }) },
      { room: "acme:chat:s4", sockets: 2, packet: expect.objectContaining({ data: ["event", { offset: 2, ts: "t2" }] }) },
    ]);
  });

  it("leaves broadcasts without a tag to the adapter as they are", async () => {
    const filtered = await subscriber("acme:chat:s2", { types: ["status"] });
    server.to("acme:chat:s2").emit("event", { offset: 1 });
    await waitUntil(() => filtered.got.length === 1);
  });

  it("hides local-only rooms from the adapter's room events", async () => {
    const created: string[] = [];
    server.of("/").adapter.on("create-room", (room: string) => created.push(room));
    await subscriber("#user:acme:u1", null);
    await subscriber("acme:chat:s3", null);
    expect(created).toContain("acme:chat:s3");
    expect(created).not.toContain("#user:acme:u1");
    expect(server.of("/").adapter.rooms.has("#user:acme:u1")).toBe(true);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
