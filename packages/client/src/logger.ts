/**
 * The logger the SDK writes to: a subset of pino's API (a pino logger fits), fields first.
 * Defaults to a no-op; the SDK never logs a token.
 */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const noop = (): void => undefined;

export function silentLogger(): Logger {
  return { debug: noop, info: noop, warn: noop, error: noop };
}
