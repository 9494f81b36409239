/**
 * The socket `publish` event: the publish use case (publish/publish-use-case.ts: parse,
 * policy, domain hook, idempotent commit, error mapping), acknowledged only after the
 * commit. The live copy reaches the room through the relay like every other event, never
 * directly from here. The listener is made once and shared by every socket (`this` is the
 * socket); `register(socket)` adds it to one.
 */
import type { PublishOk } from "@roomcast/protocol";
import type { PublishUseCase } from "../publish/publish-use-case";
import { guarded } from "./ack";
import type { SocketLogger } from "./socket-logger";
import type { GatewaySocket } from "./socket-types";

export function publishHandler(publish: PublishUseCase, logOf: SocketLogger): { register(socket: GatewaySocket): void } {
  function handle(socket: GatewaySocket, payload: unknown, ack: unknown): void {
    guarded<PublishOk>(() => logOf(socket), "publish", ack, async (reply) => {
      reply(await publish.one(socket.data.principal, payload));
    });
  }
  function onPublish(this: GatewaySocket, payload: unknown, ack: unknown): void {
    handle(this, payload, ack);
  }
  return {
    register(socket) {
      socket.on("publish", onPublish);
    },
  };
}
