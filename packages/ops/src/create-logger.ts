/**
 * The root pino logger. Tokens never reach a log line: the redaction paths cover every
 * place a token could sit in a request or handshake that something might log.
 */
import pino, { type DestinationStream, type Logger } from "pino";

export const REDACT_PATHS = [
  "req.headers.authorization",
  "headers.authorization",
  "handshake.auth.token",
  "auth.token",
  "token",
  "*.token",
];

/** `destination` defaults to stdout; tests pass their own stream. */
export function createLogger(level: string, nodeId: string, destination?: DestinationStream): Logger {
  const options = { level, base: { node: nodeId }, redact: { paths: REDACT_PATHS, censor: "[redacted]" } };
  return destination === undefined ? pino(options) : pino(options, destination);
}
