/**
 * The chat product's hook in the publish use case (publish/publish-use-case.ts), the same on
 * the socket and over HTTP. A `message` on `chat:<session>` becomes a stored chat message
 * (postMessage: access checked, committed with its events, exactly once per idempotency
 * `key`, a key reused for another message refused); the answer is the `message` event's
 * `{ id, stream, offset }`, the same on a repeat. Everything else returns undefined: the
 * other chat product types (`session:updated`, `metrics:updated`, a `message` without a
 * session) are then refused by the use case as `reserved_type`, and other types (e.g.
 * `typing`) take the generic path.
 */
import { postMessage } from "@roomcast/chat";
import type { Db } from "@roomcast/db";
import { CHAT_MESSAGE, err, MAX_CHAT_MESSAGE_LENGTH, type PublishOk, type Result } from "@roomcast/protocol";
import type { Logger } from "pino";
import { z } from "zod";
import type { DomainPublish } from "../publish/publish-use-case";
import { domainFailure } from "./domain-error";

const messageData = z.object({ text: z.string().min(1).max(MAX_CHAT_MESSAGE_LENGTH) }).strict();

export function chatPublish(db: Db, logger: Logger): DomainPublish {
  return (principal, input) => {
    if (input.channel !== "chat" || input.type !== CHAT_MESSAGE || input.topic === undefined) return undefined;
    const data = messageData.safeParse(input.data);
    if (!data.success) return Promise.resolve(err("invalid", `data: a chat message is { text } with 1 to ${MAX_CHAT_MESSAGE_LENGTH} characters`));
    return postMessage(db, principal, { sessionId: input.topic, text: data.data.text, key: input.key }).then(
      (posted): Result<PublishOk> => ({ ok: true, ...posted.event }),
      (error: unknown) => domainFailure(error, logger, "chat message publish"),
    );
  };
}
