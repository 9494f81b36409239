/**
 * The socket `publish` event: validated, authorized by the channel policy, committed to
 * the outbox, and acknowledged only after the commit. The live copy reaches the room
 * through the relay like every other event, never directly from here.
 */
import { err, publishSchema, type PublishOk } from "@roomcast/protocol";
import type { Logger } from "pino";
import type { DomainPublish } from "../chat/chat-publish";
import { authorize } from "../policy";
import { EventRejectedError, type StreamStore } from "../stream-store";
import { guarded } from "./ack";
import type { GatewaySocket } from "./socket-types";
import { describeIssues } from "./subscriptions";

/**
 * `domain`: publishes a product domain handles itself (chat messages, see
 * chat/chat-publish.ts), after the same validation and policy check; it returns undefined
 * for the rest, which take the generic path.
 */
export function registerPublish(socket: GatewaySocket, store: StreamStore, logger: Logger, domain?: DomainPublish): void {
  const { principal } = socket.data;
  socket.on("publish", (payload, ack) =>
    guarded<PublishOk>(logger, "publish", ack, async (reply) => {
      const parsed = publishSchema.safeParse(payload);
      if (!parsed.success) return reply(err("invalid", describeIssues(parsed.error.issues)));
      const { channel, topic, type, data, priority, key } = parsed.data;
      const decision = authorize(principal, "publish", { channel, topic });
      if (!decision.allowed) return reply(err("forbidden", decision.reason));
      const handled = domain?.(principal, parsed.data);
      if (handled !== undefined) return reply(await handled);
      let committed: PublishOk[];
      try {
        committed = await store.publish([
          { tenant: principal.tenant, channel, topic, type, data, priority, key, source: `${principal.role}:${principal.sub}` },
        ]);
      } catch (error) {
        if (error instanceof EventRejectedError) return reply(err("invalid", error.message));
        logger.warn({ err: error, channel, topic }, "publish failed");
        return reply(err("unavailable", "event storage is unavailable, retry later"));
      }
      const [result] = committed;
      if (result === undefined) return reply(err("internal", "internal error"));
      reply({ ok: true, ...result });
    }),
  );
}
