/**
 * Every client event carries an ack callback; a client that omits it (or sends something
 * else in its place) still gets its request handled, and the reply has nowhere to go.
 * Handlers never throw into Socket.IO: an unexpected failure becomes `internal`.
 */
import { err, type Result } from "@roomcast/protocol";
import type { Logger } from "pino";

export type Reply<T extends object> = (result: Result<T>) => void;

export function replyTo<T extends object>(ack: unknown): Reply<T> {
  return typeof ack === "function" ? (ack as Reply<T>) : () => undefined;
}

/**
 * Runs a handler, turning a thrown error into an `internal` ack and a log line. `logger`
 * makes the socket's logger, only when there is something to log (shared handlers).
 */
export function guarded<T extends object>(logger: () => Logger, event: string, ack: unknown, run: (reply: Reply<T>) => Promise<void>): void {
  const reply = replyTo<T>(ack);
  run(reply).catch((error: unknown) => {
    logger().error({ err: error, event }, "handler failed");
    reply(err("internal", "internal error"));
  });
}
