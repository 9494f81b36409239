/**
 * A tiny in-memory Socket.IO gateway for the SDK's integration test. It implements the
 * protocol's `subscribe` (join, then replay offsets > since while yielding, so live events
 * interleave with the replay), `unsubscribe` and `publish`, and its live emits misbehave
 * on purpose: some are sent twice, some late (after the next one), some never — the wire
 * conditions a relay failover or a node drain produce. Not exported by the package.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import {
  err,
  publishSchema,
  streamName,
  subscribeSchema,
  unsubscribeSchema,
  type ClientToServerEvents,
  type ErrorCode,
  type EventEnvelope,
  type PublishInput,
  type ServerToClientEvents,
} from "@roomcast/protocol";

export interface Chaos {
  /** Probability that a live emit is sent twice. */
  duplicate: number;
  /** Probability that a live emit is held back and sent after the next one. */
  reorder: number;
  /** Probability that a live emit is never sent (only a replay brings it). */
  drop: number;
}

export const TENANT = "t1";
export const TOKEN = "let-me-in";

export class ChaosGateway {
  readonly wire = { duplicated: 0, reordered: 0, dropped: 0, replayed: 0 };
  readonly published: PublishInput[] = [];
  /** Every subscribe request, in arrival order. */
  readonly subscribes: Array<{ stream: string; since: number | undefined }> = [];
  /** While set, handshakes are refused with this code. */
  refuseWith: ErrorCode | undefined;
  private readonly streams = new Map<string, EventEnvelope[]>();
  private readonly held = new Map<string, EventEnvelope>();
  private readonly io: Server<ClientToServerEvents, ServerToClientEvents>;

  private constructor(
    private readonly http: HttpServer,
    readonly url: string,
    private readonly chaos: Chaos,
  ) {
    this.io = new Server(http);
    this.io.use((socket, next) => {
      const auth: unknown = socket.handshake.auth;
      const token = typeof auth === "object" && auth !== null && "token" in auth ? auth.token : undefined;
      const code = this.refuseWith ?? (token === TOKEN ? undefined : "unauthorized");
      if (code === undefined) return next();
      next(Object.assign(new Error(code), { data: { code } }));
    });
    this.io.on("connection", (socket) => {
      socket.on("subscribe", async (raw, ack) => {
        const parsed = subscribeSchema.safeParse(raw);
        if (!parsed.success) return ack(err("invalid", "bad subscribe"));
        const { channel, topic, since } = parsed.data;
        const stream = streamName({ tenant: TENANT, channel, topic });
        this.subscribes.push({ stream, since });
        await socket.join(stream);
        await pause(Math.random() * 3);
        const events = this.events(stream);
        const head = events.length;
        let replayed = 0;
        for (const event of since === undefined ? [] : events.slice(since, head)) {
          if (!socket.connected) return;
          socket.emit("event", event);
          replayed += 1;
          if (replayed % 5 === 0) await pause(0);
        }
        this.wire.replayed += replayed;
        ack({ ok: true, stream, offset: since === undefined ? head : Math.max(head, since), recovered: true, replayed });
      });
      socket.on("unsubscribe", async (raw, ack) => {
        const parsed = unsubscribeSchema.safeParse(raw);
        if (!parsed.success) return ack(err("invalid", "bad unsubscribe"));
        const stream = streamName({ tenant: TENANT, ...parsed.data });
        await socket.leave(stream);
        ack({ ok: true, stream });
      });
      socket.on("publish", (raw, ack) => {
        const parsed = publishSchema.safeParse(raw);
        if (!parsed.success) return ack(err("invalid", "bad publish"));
        this.published.push(parsed.data);
        const event = this.append(parsed.data.channel, parsed.data.topic, parsed.data.type, parsed.data.data, true);
        ack({ ok: true, id: event.id, stream: event.stream, offset: event.offset });
      });
    });
  }

  static async start(chaos: Chaos): Promise<ChaosGateway> {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const { port } = http.address() as AddressInfo;
    return new ChaosGateway(http, `http://127.0.0.1:${port}`, chaos);
  }

  /** Commits the next event of a stream and emits it live, misbehaving unless `reliable`. */
  append(channel: EventEnvelope["channel"], topic: string | undefined, type: string, data: unknown, reliable = false): EventEnvelope {
    const stream = streamName({ tenant: TENANT, channel, topic });
    const events = this.events(stream);
    const event: EventEnvelope = {
      id: `${stream}#${events.length + 1}`,
      stream,
      offset: events.length + 1,
      channel,
      topic: topic ?? null,
      type,
      data,
      priority: 5,
      source: "test",
      ts: new Date().toISOString(),
    };
    events.push(event);
    const roll = Math.random();
    const { drop, reorder, duplicate } = reliable ? { drop: 0, reorder: 0, duplicate: 0 } : this.chaos;
    if (roll < drop) {
      this.wire.dropped += 1;
    } else if (roll < drop + reorder && !this.held.has(stream)) {
      this.held.set(stream, event);
      this.wire.reordered += 1;
      return event;
    } else {
      this.emit(event);
      if (roll < drop + reorder + duplicate) {
        this.emit(event);
        this.wire.duplicated += 1;
      }
    }
    this.flush(stream);
    return event;
  }

  /** Sends a held-back event now. */
  flush(stream: string): void {
    const held = this.held.get(stream);
    if (held === undefined) return;
    this.held.delete(stream);
    this.emit(held);
  }

  /** Server-side disconnect of every socket ("io server disconnect" on the client). */
  disconnectAll(): void {
    this.io.disconnectSockets(true);
  }

  async close(): Promise<void> {
    this.io.disconnectSockets(true);
    await this.io.close();
    if (this.http.listening) await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private emit(event: EventEnvelope): void {
    this.io.to(event.stream).emit("event", event);
  }

  private events(stream: string): EventEnvelope[] {
    let events = this.streams.get(stream);
    if (events === undefined) {
      events = [];
      this.streams.set(stream, events);
    }
    return events;
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
