/**
 * What the app asks the SDK to send (subscribe, publish, presence, typing) is checked here
 * before anything leaves, so a typo is an `invalid` result at once rather than a round trip.
 *
 * Narrow hand checks of the protocol's request schemas (packages/protocol payloads.ts)
 * with the same patterns and limits (patterns.ts), not zod itself: the SDK runs in the
 * widget, whose budget has no room for zod (docs/widget.md). The gateway parses every
 * request with the full schemas anyway; where the two could differ (a `where` filter's
 * columns) the check here is looser and the gateway has the last word. Like the schemas:
 * unknown keys are refused, priority names become numbers, a publish's priority defaults
 * to PRIORITY_DEFAULT and `typing` to true. requests.test.ts checks them against the schemas.
 */
import {
  CHANNELS,
  EVENT_TYPE_PATTERN,
  FILTER_LIST_MAX,
  ID_PATTERN,
  IDEMPOTENCY_KEY_PATTERN,
  PRIORITY_DEFAULT,
  PRIORITY_MAX,
  PRIORITY_MIN,
  PRIORITY_NAMES,
  SOURCE_MAX_LENGTH,
  type Channel,
  type PresenceRequest,
  type PublishInput,
  type PublishRequest,
  type SubscribeRequest,
  type TypingRequest,
} from "@roomcast/protocol";

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** A subscribe request as sent: priorities are numbers. */
export type CheckedSubscribe = Omit<SubscribeRequest, "minPriority"> & { minPriority?: number };
export type CheckedTyping = { channel: Channel; topic?: string; typing: boolean };

type Fields = Record<string, unknown>;

class Refusal {
  constructor(readonly message: string) {}
}

const refuse = (message: string): never => {
  throw new Refusal(message);
};

function run<T>(check: () => T): Checked<T> {
  try {
    return { ok: true, value: check() };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    throw error;
  }
}

function fields(raw: unknown, allowed: readonly string[]): Fields {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return refuse("the request must be an object");
  const unknown = Object.keys(raw).find((key) => !allowed.includes(key));
  if (unknown !== undefined) refuse(`${unknown}: unknown key`);
  return raw as Fields;
}

function channelOf(value: unknown): Channel {
  return typeof value === "string" && (CHANNELS as readonly string[]).includes(value) ? (value as Channel) : refuse(`channel: must be one of ${CHANNELS.join(", ")}`);
}

function matching(name: string, value: unknown, pattern: RegExp): string {
  return typeof value === "string" && pattern.test(value) ? value : refuse(`${name}: must match ${pattern.source}`);
}

/** Copies `value` to `target[name]` unless it is undefined (an absent optional field). */
function put<T>(target: Fields, name: string, value: T | undefined, check: (value: T) => unknown): void {
  if (value !== undefined) target[name] = check(value);
}

function priorityOf(name: string, value: unknown): number {
  if (typeof value === "string" && Object.hasOwn(PRIORITY_NAMES, value)) return PRIORITY_NAMES[value as keyof typeof PRIORITY_NAMES];
  if (Number.isInteger(value) && (value as number) >= PRIORITY_MIN && (value as number) <= PRIORITY_MAX) return value as number;
  return refuse(`${name}: an integer ${PRIORITY_MIN}–${PRIORITY_MAX} or one of ${Object.keys(PRIORITY_NAMES).join(", ")}`);
}

function listOf(name: string, value: unknown, item: (entry: unknown) => string): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > FILTER_LIST_MAX) return refuse(`${name}: 1 to ${FILTER_LIST_MAX} entries`);
  return value.map(item);
}

function isJson(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((entry) => isJson(entry, depth + 1));
  if (typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
  return Object.values(value).every((entry) => isJson(entry, depth + 1));
}

function target(raw: Fields): { channel: Channel; topic?: string } {
  const out: { channel: Channel; topic?: string } = { channel: channelOf(raw.channel) };
  put(out as Fields, "topic", raw.topic, (topic) => matching("topic", topic, ID_PATTERN));
  return out;
}

export function checkSubscribe(request: SubscribeRequest): Checked<CheckedSubscribe> {
  return run(() => {
    const raw = fields(request, ["channel", "topic", "since", "types", "sources", "minPriority", "where", "presence"]);
    const out: Fields = target(raw);
    put(out, "since", raw.since, (since) => (Number.isInteger(since) && (since as number) >= 0 ? since : refuse("since: a non-negative integer")));
    put(out, "types", raw.types, (types) => listOf("types", types, (type) => matching("types", type, EVENT_TYPE_PATTERN)));
    put(out, "sources", raw.sources, (sources) =>
      listOf("sources", sources, (source) => (typeof source === "string" && source.length >= 1 && source.length <= SOURCE_MAX_LENGTH ? source : refuse(`sources: 1 to ${SOURCE_MAX_LENGTH} characters`))),
    );
    put(out, "minPriority", raw.minPriority, (priority) => priorityOf("minPriority", priority));
    put(out, "where", raw.where, (where) => {
      if (out.channel !== "changes") refuse("where: only for the changes channel");
      return typeof where === "object" && where !== null && !Array.isArray(where) && Object.keys(where).length > 0 ? where : refuse("where: an object of column values");
    });
    put(out, "presence", raw.presence, (presence) => (typeof presence === "boolean" ? presence : refuse("presence: a boolean")));
    return out as CheckedSubscribe;
  });
}

export function checkPublish(request: PublishRequest): Checked<PublishInput> {
  return run(() => {
    const raw = fields(request, ["channel", "topic", "type", "data", "priority", "key"]);
    const out: Fields = target(raw);
    out.type = matching("type", raw.type, EVENT_TYPE_PATTERN);
    if (!isJson(raw.data)) refuse("data: must be JSON (no undefined, functions or non-finite numbers)");
    out.data = raw.data;
    out.priority = raw.priority === undefined ? PRIORITY_DEFAULT : priorityOf("priority", raw.priority);
    put(out, "key", raw.key, (key) => matching("key", key, IDEMPOTENCY_KEY_PATTERN));
    return out as PublishInput;
  });
}

export function checkPresence(request: PresenceRequest): Checked<PresenceRequest> {
  return run(() => target(fields(request, ["channel", "topic"])));
}

export function checkTyping(request: TypingRequest): Checked<CheckedTyping> {
  return run(() => {
    const raw = fields(request, ["channel", "topic", "typing"]);
    const typing = raw.typing === undefined ? true : typeof raw.typing === "boolean" ? raw.typing : refuse("typing: a boolean");
    return { ...target(raw), typing };
  });
}
