/**
 * The socket events of presence and typing:
 * - `presence({channel, topic?})`: who is in the stream now, cluster-wide (policy action
 *   `presence`); answered `{ok, stream, count, members}`.
 * - `typing({channel, topic?, typing?})`: sent to the stream's other subscribers as a
 *   `typing` event, through the adapter to every node, never through the outbox. Allowed to
 *   whoever may publish there; at most `TYPING_POINTS` per user and stream per
 *   `TYPING_WINDOW_SECONDS` (limits/limiter.ts, cluster-wide with Redis), over which it
 *   answers `rate_limited` and sends nothing. The sender's own sockets are left out.
 */
import { err, presenceSchema, streamName, typingSchema, type PresenceOk, type TypingOk } from "@roomcast/protocol";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { userAuthRoom } from "../auth/auth-rooms";
import { authorize } from "../policy";
import { guarded } from "../socket/ack";
import type { SocketLogger } from "../socket/socket-logger";
import type { GatewayServer, GatewaySocket } from "../socket/socket-types";
import { describeIssues } from "../validation/describe-issues";
import type { PresenceTracker } from "./presence-tracker";

/** A client sends `typing` every few seconds while the user types (the widget: at most every 2 s). */
export const TYPING_POINTS = 10;
export const TYPING_WINDOW_SECONDS = 10;

export interface PresenceHandlerDeps {
  io: GatewayServer;
  presence: PresenceTracker;
  /** Keyed by `<tenant>|<user>|<stream>`. */
  typingLimiter: RateLimiterAbstract;
  logOf: SocketLogger;
}

/**
 * The `presence` and `typing` listeners, made once and shared by every socket (`this` is
 * the socket): a connection holds no closures of its own for them.
 */
export function presenceHandlers(deps: PresenceHandlerDeps): { register(socket: GatewaySocket): void } {
  function presence(socket: GatewaySocket, payload: unknown, ack: unknown): void {
    const { principal } = socket.data;
    guarded<PresenceOk>(() => deps.logOf(socket), "presence", ack, async (reply) => {
      const parsed = presenceSchema.safeParse(payload);
      if (!parsed.success) return reply(err("invalid", describeIssues(parsed.error.issues)));
      const decision = authorize(principal, "presence", parsed.data);
      if (!decision.allowed) return reply(err("forbidden", decision.reason));
      const stream = streamName({ tenant: principal.tenant, ...parsed.data });
      const result = await deps.presence.members(stream);
      if (!result.ok) return reply(result);
      reply({ ok: true, stream, count: result.members.length, members: result.members });
    });
  }

  function typing(socket: GatewaySocket, payload: unknown, ack: unknown): void {
    const { principal } = socket.data;
    guarded<TypingOk>(() => deps.logOf(socket), "typing", ack, async (reply) => {
      const parsed = typingSchema.safeParse(payload);
      if (!parsed.success) return reply(err("invalid", describeIssues(parsed.error.issues)));
      const { channel, topic, typing } = parsed.data;
      const decision = authorize(principal, "publish", { channel, topic });
      if (!decision.allowed) return reply(err("forbidden", decision.reason));
      const stream = streamName({ tenant: principal.tenant, channel, topic });
      try {
        await deps.typingLimiter.consume(`${principal.tenant}|${principal.sub}|${stream}`);
      } catch {
        return reply(err("rate_limited", "too many typing notices, slow down"));
      }
      deps.io
        .to(stream)
        .except(userAuthRoom(principal.tenant, principal.sub))
        .emit("typing", { stream, user: principal.sub, role: principal.role, ...(principal.name === undefined ? {} : { name: principal.name }), typing });
      reply({ ok: true, stream });
    });
  }

  function onPresence(this: GatewaySocket, payload: unknown, ack: unknown): void {
    presence(this, payload, ack);
  }
  function onTyping(this: GatewaySocket, payload: unknown, ack: unknown): void {
    typing(this, payload, ack);
  }

  return {
    register(socket) {
      socket.on("presence", onPresence);
      socket.on("typing", onTyping);
    },
  };
}
