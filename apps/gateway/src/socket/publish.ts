/**
 * The socket `publish` event: the publish use case (publish/publish-use-case.ts: parse,
 * policy, domain hook, idempotent commit, error mapping), acknowledged only after the
 * commit. The live copy reaches the room through the relay like every other event, never
 * directly from here.
 */
import type { PublishOk } from "@roomcast/protocol";
import type { Logger } from "pino";
import type { PublishUseCase } from "../publish/publish-use-case";
import { guarded } from "./ack";
import type { GatewaySocket } from "./socket-types";

export function registerPublish(socket: GatewaySocket, publish: PublishUseCase, logger: Logger): void {
  socket.on("publish", (payload, ack) =>
    guarded<PublishOk>(logger, "publish", ack, async (reply) => {
      reply(await publish.one(socket.data.principal, payload));
    }),
  );
}
