/**
 * `subscribe` and `unsubscribe`.
 *
 * Ordering that makes resume lossless: the socket joins the stream's rooms *before* the
 * catch-up read, so an event committed after the read is emitted live to it, and one
 * committed before is in the read. The same event may arrive both ways; the SDK drops the
 * second. If the read fails the rooms are left again, so a failed subscribe changes nothing.
 */
import {
  err,
  filterRooms,
  passesFilter,
  streamName,
  subscribeSchema,
  unsubscribeSchema,
  type SubscribeOk,
  type UnsubscribeOk,
} from "@roomcast/protocol";
import type { Logger } from "pino";
import { authorize } from "../policy";
import type { CatchUp, StreamStore } from "../stream-store";
import { guarded } from "./ack";
import type { GatewaySocket } from "./socket-types";

export function registerSubscriptions(socket: GatewaySocket, store: StreamStore, logger: Logger): void {
  const { principal } = socket.data;

  socket.on("subscribe", (payload, ack) =>
    guarded<SubscribeOk>(logger, "subscribe", ack, async (reply) => {
      const parsed = subscribeSchema.safeParse(payload);
      if (!parsed.success) return reply(err("invalid", describeIssues(parsed.error.issues)));
      const { channel, topic, since, types, minPriority } = parsed.data;
      const decision = authorize(principal, "subscribe", { channel, topic });
      if (!decision.allowed) return reply(err("forbidden", decision.reason));

      const stream = streamName({ tenant: principal.tenant, channel, topic });
      const filter = { types, minPriority };
      const previous = socket.data.filters[stream];
      const rooms = filterRooms(stream, filter);
      await socket.join(rooms);

      let catchUp: CatchUp;
      try {
        catchUp = await store.catchUp(stream, since);
      } catch (error) {
        logger.warn({ err: error, stream }, "catch-up read failed");
        await leave(socket, rooms.filter((room) => previous === undefined || !filterRooms(stream, previous).includes(room)));
        return reply(err("unavailable", "event storage is unavailable, retry later"));
      }
      if (previous !== undefined) {
        await leave(socket, filterRooms(stream, previous).filter((room) => !rooms.includes(room)));
      }
      socket.data.filters[stream] = filter;

      let replayed = 0;
      for (const event of catchUp.events) {
        if (!passesFilter(filter, event)) continue;
        socket.emit("event", event);
        replayed++;
      }
      reply({ ok: true, stream, offset: catchUp.position, recovered: catchUp.recovered, replayed });
    }),
  );

  socket.on("unsubscribe", (payload, ack) =>
    guarded<UnsubscribeOk>(logger, "unsubscribe", ack, async (reply) => {
      const parsed = unsubscribeSchema.safeParse(payload);
      if (!parsed.success) return reply(err("invalid", describeIssues(parsed.error.issues)));
      const stream = streamName({ tenant: principal.tenant, ...parsed.data });
      const filter = socket.data.filters[stream];
      if (filter !== undefined) {
        await leave(socket, filterRooms(stream, filter));
        delete socket.data.filters[stream];
      }
      reply({ ok: true, stream });
    }),
  );
}

async function leave(socket: GatewaySocket, rooms: readonly string[]): Promise<void> {
  for (const room of rooms) await socket.leave(room);
}

/** A short, stable description of what was wrong, without echoing the input back. */
export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}
