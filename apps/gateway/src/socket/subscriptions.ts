/**
 * `subscribe` and `unsubscribe`.
 *
 * Ordering that makes resume lossless: the socket joins the stream's room *before* the
 * catch-up read, so an event committed after the read is emitted live to it, and one
 * committed before is in the read. The same event may arrive both ways; the SDK drops the
 * second. If the read fails the room is left again, so a failed subscribe changes nothing.
 *
 * A socket joins one room per stream whatever its filter; the filter is kept in
 * `socket.data.filters` and matched by this node's adapter for live events
 * (@roomcast/cluster withEventFilter) and here for the replay, by the same `passesFilter`
 * (a `changes` subscription's `where` too: protocol changes.ts). A `changes` topic must be
 * a watched table (StreamStore.isWatched), or the subscribe is refused `not_found`.
 */
import {
  err,
  passesFilter,
  streamName,
  subscribeSchema,
  unsubscribeSchema,
  type SubscribeOk,
  type SubscriptionFilter,
  type UnsubscribeOk,
} from "@roomcast/protocol";
import { authorize } from "../policy";
import type { PresenceTracker } from "../presence/presence-tracker";
import type { CatchUp, StreamStore } from "../stream-store";
import { describeIssues } from "../validation/describe-issues";
import { guarded } from "./ack";
import type { SocketLogger } from "./socket-logger";
import type { GatewaySocket } from "./socket-types";

export interface SubscriptionDeps {
  store: StreamStore;
  logOf: SocketLogger;
  /** After each catch-up, how many events it sent (metrics). */
  onReplayed?: (socket: GatewaySocket, count: number) => void;
  /**
   * Where a subscribe with `presence: true` makes the socket visible (presence/presence-tracker.ts),
   * after the catch-up succeeded; without it such a subscribe is refused `invalid`.
   */
  presence?: PresenceTracker | undefined;
}

/**
 * The `subscribe` and `unsubscribe` listeners, made once and shared by every socket (Node
 * calls a listener with its emitter, the socket, as `this`): a connection holds no closures
 * of its own for them. `register(socket)` adds them to one socket.
 */
export function subscriptionHandlers(deps: SubscriptionDeps): { register(socket: GatewaySocket): void } {
  const { store, onReplayed, presence } = deps;

  function subscribe(socket: GatewaySocket, payload: unknown, ack: unknown): void {
    const { principal } = socket.data;
    const logger = () => deps.logOf(socket);
    guarded<SubscribeOk>(logger, "subscribe", ack, async (reply) => {
      const parsed = subscribeSchema.safeParse(payload);
      if (!parsed.success) return reply(err("invalid", describeIssues(parsed.error.issues)));
      const { channel, topic, since, types, sources, minPriority, where } = parsed.data;
      const decision = authorize(principal, "subscribe", { channel, topic });
      if (!decision.allowed) return reply(err("forbidden", decision.reason));
      if (parsed.data.presence === true) {
        if (presence === undefined) return reply(err("invalid", "presence is not available on this server"));
        const seen = authorize(principal, "presence", { channel, topic });
        if (!seen.allowed) return reply(err("forbidden", seen.reason));
      }

      if (channel === "changes" && topic !== undefined) {
        let watched: boolean;
        try {
          watched = await store.isWatched(topic);
        } catch (error) {
          logger().warn({ err: error, table: topic }, "watched-table check failed");
          return reply(err("unavailable", "event storage is unavailable, retry later"));
        }
        if (!watched) return reply(err("not_found", `table ${topic} is not watched: no changes are published for it (docs/changes.md, watchTable)`));
      }

      const stream = streamName({ tenant: principal.tenant, channel, topic });
      const filter =
        types === undefined && sources === undefined && minPriority === undefined && where === undefined ? undefined : { types, sources, minPriority, where };
      const joined = socket.rooms.has(stream);
      const previous = socket.data.filters[stream];
      setFilter(socket, stream, filter);
      await socket.join(stream);

      let catchUp: CatchUp;
      try {
        catchUp = await store.catchUp(stream, since);
      } catch (error) {
        logger().warn({ err: error, stream }, "catch-up read failed");
        if (!joined) await socket.leave(stream);
        setFilter(socket, stream, previous);
        return reply(err("unavailable", "event storage is unavailable, retry later"));
      }

      let replayed = 0;
      for (const event of catchUp.events) {
        if (!passesFilter(filter, event)) continue;
        socket.emit("event", event);
        replayed++;
      }
      onReplayed?.(socket, replayed);
      if (presence !== undefined) {
        if (parsed.data.presence === true) await presence.track(socket, stream);
        else if (presence.isTracked(socket, stream)) presence.untrack(socket, stream);
      }
      reply({ ok: true, stream, offset: catchUp.position, recovered: catchUp.recovered, replayed });
    });
  }

  function unsubscribe(socket: GatewaySocket, payload: unknown, ack: unknown): void {
    const { principal } = socket.data;
    guarded<UnsubscribeOk>(() => deps.logOf(socket), "unsubscribe", ack, async (reply) => {
      const parsed = unsubscribeSchema.safeParse(payload);
      if (!parsed.success) return reply(err("invalid", describeIssues(parsed.error.issues)));
      const stream = streamName({ tenant: principal.tenant, ...parsed.data });
      await socket.leave(stream);
      delete socket.data.filters[stream];
      if (presence?.isTracked(socket, stream) === true) presence.untrack(socket, stream);
      reply({ ok: true, stream });
    });
  }

  function onSubscribe(this: GatewaySocket, payload: unknown, ack: unknown): void {
    subscribe(this, payload, ack);
  }
  function onUnsubscribe(this: GatewaySocket, payload: unknown, ack: unknown): void {
    unsubscribe(this, payload, ack);
  }

  return {
    register(socket) {
      socket.on("subscribe", onSubscribe);
      socket.on("unsubscribe", onUnsubscribe);
    },
  };
}

function setFilter(socket: GatewaySocket, stream: string, filter: SubscriptionFilter | undefined): void {
  if (filter === undefined) delete socket.data.filters[stream];
  else socket.data.filters[stream] = filter;
}
