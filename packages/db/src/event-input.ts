/**
 * Validation of an event before it enters the outbox. Everything a publish writes is
 * checked here first, so a bad event throws `InvalidEventError` and writes nothing.
 * Stream parts go through the protocol's `streamName` (the only place room names are
 * built); `data` must survive JSON (functions, undefined at the top, cycles and BigInt
 * are refused) and stay within the protocol's event limits (MAX_EVENT_DATA_BYTES, refused
 * as `payload_too_large`, and MAX_EVENT_DATA_DEPTH), which are what the relay can emit.
 */
import {
  EVENT_TYPE_PATTERN,
  PRIORITY_DEFAULT,
  PRIORITY_MAX,
  PRIORITY_MIN,
  eventDataProblem,
  isChannel,
  isValidId,
  streamName,
  type Channel,
} from "@roomcast/protocol";
import { partitionKey } from "./stream-hash";

export interface OutboxEventInput {
  tenant: string;
  channel: Channel;
  topic?: string | undefined;
  type: string;
  /** Any JSON value. */
  data: unknown;
  /** PRIORITY_MIN … PRIORITY_MAX; default PRIORITY_DEFAULT. */
  priority?: number | undefined;
  /** Who published: a service name, `socket:<user>`, `http:<sub>` … (1–128 characters). */
  source: string;
}

/** An event ready to insert: validated, with its stream and partition key. */
export interface PreparedEvent {
  tenant: string;
  stream: string;
  partitionKey: number;
  channel: Channel;
  topic: string | null;
  type: string;
  /** `data` serialised as JSON text. */
  json: string;
  priority: number;
  source: string;
}

export class InvalidEventError extends RangeError {
  override name = "InvalidEventError";
  /** The protocol error code a transport answers with. */
  readonly code: "invalid" | "payload_too_large";
  constructor(message: string, code: "invalid" | "payload_too_large" = "invalid") {
    super(message);
    this.code = code;
  }
}

export const MAX_SOURCE_LENGTH = 128;
const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/;

export function prepareEvent(input: OutboxEventInput): PreparedEvent {
  if (!isValidId(input.tenant)) throw new InvalidEventError("invalid tenant id");
  if (!isChannel(input.channel)) throw new InvalidEventError("invalid channel");
  if (input.topic !== undefined && !isValidId(input.topic)) throw new InvalidEventError("invalid topic");
  if (typeof input.type !== "string" || !EVENT_TYPE_PATTERN.test(input.type)) throw new InvalidEventError("invalid event type");
  const priority = input.priority ?? PRIORITY_DEFAULT;
  if (!Number.isInteger(priority) || priority < PRIORITY_MIN || priority > PRIORITY_MAX) {
    throw new InvalidEventError(`priority must be an integer from ${PRIORITY_MIN} to ${PRIORITY_MAX}`);
  }
  if (typeof input.source !== "string" || input.source.length < 1 || input.source.length > MAX_SOURCE_LENGTH) {
    throw new InvalidEventError(`source must be 1 to ${MAX_SOURCE_LENGTH} characters`);
  }
  const stream = streamName({ tenant: input.tenant, channel: input.channel, topic: input.topic });
  return {
    tenant: input.tenant,
    stream,
    partitionKey: partitionKey(stream),
    channel: input.channel,
    topic: input.topic ?? null,
    type: input.type,
    json: toJson(input.data),
    priority,
    source: input.source,
  };
}

function toJson(data: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch {
    throw new InvalidEventError("data is not JSON-serialisable");
  }
  if (json === undefined) throw new InvalidEventError("data is not JSON-serialisable");
  const problem = eventDataProblem(json);
  if (problem !== undefined) throw new InvalidEventError(problem.message, problem.code);
  // PostgreSQL's jsonb cannot store U+0000 (the `\u0000` escape, not preceded by an escaping backslash).
  if (NUL_ESCAPE.test(json)) throw new InvalidEventError("data must not contain the NUL character");
  return json;
}
