/**
 * The root pino logger. Tokens never reach a log line: the redaction paths cover every
 * place a token could sit in a request or handshake that something might log.
 */
import pino, { type Logger } from "pino";

export const REDACT_PATHS = [
  "req.headers.authorization",
  "headers.authorization",
  "handshake.auth.token",
  "auth.token",
  "token",
  "*.token",
];

export function createLogger(level: string, nodeId: string): Logger {
  return pino({ level, base: { node: nodeId }, redact: { paths: REDACT_PATHS, censor: "[redacted]" } });
}
