/**
 * Socket publishes on the `chat` channel that belong to the chat domain. A `message` on
 * `chat:<session>` becomes a stored chat message (postMessage: access checked, committed
 * with its events, exactly once per idempotency `key`); the ack is the `message` event's
 * `{ id, stream, offset }`, the same on a repeat. Other domain types (`session:updated`,
 * `metrics:updated`) cannot be published by clients. Everything else on the channel (for
 * example a `typing` event) is left to the generic publish path (returns undefined).
 */
import { postMessage } from "@roomcast/chat";
import type { Db } from "@roomcast/db";
import { CHAT_DOMAIN_TYPES, CHAT_MESSAGE, err, MAX_CHAT_MESSAGE_LENGTH, type PublishInput, type PublishOk, type Principal, type Result } from "@roomcast/protocol";
import type { Logger } from "pino";
import { z } from "zod";
import { domainFailure } from "./domain-error";

/** Handles a publish itself (a promise of the ack) or leaves it to the generic path (undefined). */
export type DomainPublish = (principal: Principal, input: PublishInput) => Promise<Result<PublishOk>> | undefined;

const messageData = z.object({ text: z.string().min(1).max(MAX_CHAT_MESSAGE_LENGTH) }).strict();

export function chatPublish(db: Db, logger: Logger): DomainPublish {
  return (principal, input) => {
    if (input.channel !== "chat" || !CHAT_DOMAIN_TYPES.includes(input.type)) return undefined;
    if (input.type !== CHAT_MESSAGE || input.topic === undefined) {
      return Promise.resolve(err("forbidden", `"${input.type}" on the chat channel is written by the chat service only`));
    }
    const data = messageData.safeParse(input.data);
    if (!data.success) return Promise.resolve(err("invalid", `data: a chat message is { text } with 1 to ${MAX_CHAT_MESSAGE_LENGTH} characters`));
    return postMessage(db, principal, { sessionId: input.topic, text: data.data.text, key: input.key }).then(
      (posted): Result<PublishOk> => ({ ok: true, ...posted.event }),
      (error: unknown) => domainFailure(error, logger, "chat message publish"),
    );
  };
}
