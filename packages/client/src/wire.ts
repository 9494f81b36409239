/**
 * Everything that arrives from the server is `unknown` until checked here: event envelopes,
 * acks (`parseAck`), presence and typing events. A malformed ack becomes an `internal`
 * error result; a malformed event is dropped by the caller.
 *
 * Narrow hand checks, not zod: the server builds these values from the protocol's zod
 * schemas (packages/protocol acks.ts, envelope.ts), so the SDK trusts that shape and checks
 * only the type of each field it reads — which keeps zod out of browser bundles (the
 * widget's budget, docs/widget.md). Like zod's default objects, unknown keys are dropped
 * from acks and events. wire.test.ts checks these against the protocol's schemas.
 */
import { CHANNELS, ERROR_CODES, err, ROLES, type AckResults, type EventEnvelope, type PresenceEvent, type PresenceMember, type Result, type TypingEvent } from "@roomcast/protocol";

export type { AckResults } from "@roomcast/protocol";

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === "string";
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T => typeof value === "string" && (values as readonly string[]).includes(value);

export function parseEnvelope(raw: unknown): EventEnvelope | null {
  if (!isObject(raw)) return null;
  const { id, stream, offset, channel, topic, type, data, priority, source, ts } = raw;
  if (!isString(id) || !isString(stream) || !isCount(offset) || !isOneOf(CHANNELS, channel)) return null;
  if (!(topic === null || isString(topic)) || !isString(type) || !Number.isInteger(priority) || !isString(source) || !isString(ts)) return null;
  return { id, stream, offset, channel, topic, type, data, priority: priority as number, source, ts };
}

function parseMember(raw: unknown): PresenceMember | null {
  if (!isObject(raw)) return null;
  const { user, role, name, connections } = raw;
  if (!isString(user) || !isOneOf(ROLES, role) || !(name === undefined || isString(name)) || !isCount(connections)) return null;
  return name === undefined ? { user, role, connections } : { user, role, name, connections };
}

export function parsePresenceEvent(raw: unknown): PresenceEvent | null {
  if (!isObject(raw) || !isString(raw.stream) || (raw.type !== "join" && raw.type !== "leave")) return null;
  const member = parseMember(raw.member);
  return member === null ? null : { stream: raw.stream, type: raw.type, member };
}

export function parseTypingEvent(raw: unknown): TypingEvent | null {
  if (!isObject(raw)) return null;
  const { stream, user, role, name, typing } = raw;
  if (!isString(stream) || !isString(user) || !isOneOf(ROLES, role) || !(name === undefined || isString(name)) || typeof typing !== "boolean") return null;
  return name === undefined ? { stream, user, role, typing } : { stream, user, role, name, typing };
}

/** The success fields of each ack, or null when one the SDK reads is missing or mistyped. */
const okParsers: { [E in keyof AckResults]: (raw: Fields) => AckResults[E] | null } = {
  subscribe: ({ stream, offset, recovered, replayed }) =>
    isString(stream) && isCount(offset) && typeof recovered === "boolean" && isCount(replayed) ? { stream, offset, recovered, replayed } : null,
  unsubscribe: ({ stream }) => (isString(stream) ? { stream } : null),
  publish: ({ id, stream, offset }) => (isString(id) && isString(stream) && isCount(offset) ? { id, stream, offset } : null),
  "auth:refresh": ({ exp }) => (typeof exp === "number" ? { exp } : null),
  presence: ({ stream, count, members }) => {
    if (!isString(stream) || !isCount(count) || !Array.isArray(members)) return null;
    const parsed = members.map(parseMember);
    return parsed.every((m) => m !== null) ? { stream, count, members: parsed } : null;
  },
  typing: ({ stream }) => (isString(stream) ? { stream } : null),
};

/** Parses the ack of `event`: `{ok: false, error}`, `{ok: true, …}` or `internal` when it is neither. */
export function parseAck<E extends keyof AckResults>(event: E, raw: unknown): Result<AckResults[E]> {
  if (isObject(raw) && raw.ok === false && isObject(raw.error)) {
    const { code, message } = raw.error;
    if (isOneOf(ERROR_CODES, code) && isString(message)) return { ok: false, error: { code, message } };
  }
  if (isObject(raw) && raw.ok === true) {
    const ok = okParsers[event](raw);
    if (ok !== null) return { ...ok, ok: true } as Result<AckResults[E]>;
  }
  return err("internal", `malformed ${event} ack from server`);
}
